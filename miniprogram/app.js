const session = require('./utils/session');
const inbox = require('./utils/inbox');

App({
  onLaunch() {
    // Silent: no prompt, and browsing works even when it fails.
    session.login().catch(() => {});
  },
  onShow() {
    // Unread messages show on the 我的 tab whenever the mini-program comes to the front.
    if (session.token()) {
      inbox.refresh();
    }
  },
});
