// Shared by every page: the care-mode flag, read again each time the page shows, so a switch in
// 我的 applies everywhere; and loadWith, the loading and failed states around a page's loading.
const care = require('../utils/care');

module.exports = Behavior({
  data: { care: false },
  lifetimes: {
    attached() {
      this.setData({ care: care.isOn() });
    },
  },
  methods: {
    // loadWith shows the loading state while fn runs, then the page, or the failed state (which
    // offers a retry) when fn throws. It answers whether fn succeeded.
    async loadWith(fn) {
      this.setData({ loading: true, failed: false });
      try {
        await fn();
        this.setData({ loading: false });
        return true;
      } catch (e) {
        this.setData({ loading: false, failed: true });
        return false;
      }
    },
  },
  pageLifetimes: {
    show() {
      this.setData({ care: care.isOn() });
    },
  },
});
