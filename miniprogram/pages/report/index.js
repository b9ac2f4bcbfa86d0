const pageBehavior = require('../../behaviors/page');
const session = require('../../utils/session');

Component({
  behaviors: [pageBehavior],
  data: { checking: false },
  methods: {
    // Reporting is the first feature that needs to know where the user lives.
    async startReport() {
      this.setData({ checking: true });
      try {
        const ready = await session.ensureOnboarded();
        if (ready) {
          wx.showToast({ title: '报事功能即将开放', icon: 'none' });
        }
      } catch (e) {
        // The API client has already shown the message.
      } finally {
        this.setData({ checking: false });
      }
    },
    callEmergency(e) {
      wx.makePhoneCall({ phoneNumber: e.currentTarget.dataset.number });
    },
  },
});
