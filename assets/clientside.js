// Clientside callbacks, served from this server: the Content-Security-Policy allows no
// inline script but Dash's own renderer one.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    delivery: {
        // As soon as a fetch is marked running, the previous fetch's alert ("cancelled",
        // "failed") goes. A server callback could arrive after a quick fetch's own
        // outcome and erase that instead.
        clearAtFetchStart: function (running) {
            return running ? null : window.dash_clientside.no_update;
        }
    }
});
