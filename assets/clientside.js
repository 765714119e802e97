// Clientside callbacks, served from this server: the Content-Security-Policy allows no
// inline script but Dash's own renderer one.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    delivery: {
        // As soon as a fetch is marked running, the previous fetch's alert ("cancelled",
        // "failed") goes. A server callback could arrive after a quick fetch's own
        // outcome and erase that instead.
        clearAtFetchStart: function (running) {
            return running ? null : window.dash_clientside.no_update;
        },
        // The phone menu: the button opens and closes it; going to a page closes it.
        toggleNav: function (clicks, path, isOpen) {
            const ctx = window.dash_clientside.callback_context;
            const byButton = ctx.triggered.some(t => t.prop_id.startsWith("header-nav-toggler"));
            return byButton ? !isOpen : false;
        }
    }
});
