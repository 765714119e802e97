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

// Dash 4's dropdown takes keyboard focus on a hidden helper input marked aria-hidden:
// keyboard users reach it, screen readers are told it is not there (axe:
// aria-hidden-focus). Give that input the dropdown's label instead, so what has the
// focus is announced by name. React sets aria-hidden only when it mounts the input.
(function () {
    function labelFor(target) {
        const button = target.parentElement && target.parentElement.querySelector("button[id]");
        if (!button) { return null; }
        const label = document.querySelector('label[for="' + CSS.escape(button.id) + '"]');
        return label ? label.textContent.trim() : button.getAttribute("aria-label");
    }
    function fix(root) {
        root.querySelectorAll(".dash-dropdown-focus-target[aria-hidden]").forEach(target => {
            const name = labelFor(target);
            if (!name) { return; }
            target.removeAttribute("aria-hidden");
            target.setAttribute("aria-label", name);
        });
    }
    new MutationObserver(() => fix(document)).observe(document.documentElement, {
        childList: true, subtree: true, attributes: true, attributeFilter: ["aria-hidden"]
    });
})();
