const session = require('./utils/session');

App({
  onLaunch() {
    // Silent: no prompt, and browsing works even when it fails.
    session.login().catch(() => {});
  },
});
