const session = require('./utils/session');
const inbox = require('./utils/inbox');
const subscribe = require('./utils/subscribe');
const privacy = require('./utils/privacy');

App({
  onLaunch() {
    // First: WeChat's privacy agreement, asked through the app's own popup on every page.
    privacy.init();
    // The template ids are needed before the first tap that asks consent (WeChat refuses a
    // request that waits on the network); a failure is retried later.
    subscribe.load();
    // Silent: no prompt, and browsing works even when it fails. The user is read again for what
    // pushes they can still receive (GET /me), which decides when to ask.
    session.login().then(() => session.refreshUser()).catch(() => {});
  },
  onShow() {
    // Unread messages show on the 我的 tab whenever the mini-program comes to the front.
    if (session.token()) {
      inbox.refresh();
    }
  },
});
