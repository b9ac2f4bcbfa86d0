// Shared by every page: the care-mode flag, read again each time the page shows, so a switch in
// 我的 applies everywhere.
const care = require('../utils/care');

module.exports = Behavior({
  data: { care: false },
  lifetimes: {
    attached() {
      this.setData({ care: care.isOn() });
    },
  },
  pageLifetimes: {
    show() {
      this.setData({ care: care.isOn() });
    },
  },
});
