const pageBehavior = require('../../behaviors/page');
const api = require('../../utils/api');
const denied = require('../../utils/denied');
const care = require('../../utils/care');
const session = require('../../utils/session');
const inbox = require('../../utils/inbox');
const consoleWords = require('../../utils/console');

Component({
  behaviors: [pageBehavior],
  data: {
    loading: true,
    failed: false,
    user: null,
    isStaff: false,
    canConsole: false,
    isRider: false,
    binding: false,
    unread: 0,
  },
  methods: {
    onShow() {
      this.load();
    },
    async load() {
      const ok = await this.loadWith(async () => {
        const user = await session.refreshUser();
        this.setData({
          user,
          isStaff: user.roles.some((r) => r.role === 'staff'),
          canConsole: user.roles.some((r) => r.role === 'staff' || r.role === 'canteen_staff'),
          // 小巷骑兵 are volunteers; staff deliver too.
          isRider: user.roles.some((r) => r.role === 'volunteer' || r.role === 'staff'),
        });
      });
      if (ok) {
        this.setData({ unread: await inbox.refresh() });
      }
    },
    openMessages() {
      wx.navigateTo({ url: '/pages/messages/index' });
    },
    openFamily() {
      wx.navigateTo({ url: '/pages/family/index' });
    },
    openRider() {
      wx.navigateTo({ url: '/pages/canteen/rider/index' });
    },
    openReview() {
      wx.navigateTo({ url: '/pages/review/index' });
    },
    // 扫码登录工作台: the console on a PC shows a QR code; its ticket opens the confirm page.
    scanConsole() {
      wx.scanCode({
        onlyFromCamera: true,
        scanType: ['qrCode'],
        fail: (err) => denied.explain('scan', err),
        success: (res) => {
          const ticket = consoleWords.ticketOf(res.result);
          if (!ticket) {
            wx.showToast({ title: '这不是工作台的登录二维码', icon: 'none' });
            return;
          }
          wx.navigateTo({ url: '/pages/console/index?ticket=' + ticket });
        },
      });
    },
    openPrivacy() {
      wx.navigateTo({ url: '/pages/privacy/index' });
    },
    editProfile() {
      wx.navigateTo({ url: '/pages/onboarding/index' });
    },
    // Phone binding is optional; a refusal changes nothing but is said.
    async onPhone(e) {
      const code = e.detail && e.detail.code;
      if (!code) {
        denied.explain('phone', e.detail, '手机号是选填的，不影响使用；想绑定时再点一次即可。');
        return;
      }
      this.setData({ binding: true });
      try {
        const user = await api.post('/me/phone', { code }, { loading: '绑定中' });
        session.setUser(user);
        this.setData({ user });
        wx.showToast({ title: '手机号已绑定', icon: 'success' });
      } catch (err) {
        // Shown by the API client.
      } finally {
        this.setData({ binding: false });
      }
    },
    toggleCare(e) {
      const on = !!(e.detail && e.detail.value);
      care.set(on);
      this.setData({ care: on });
    },
    deleteAccount() {
      wx.showModal({
        title: '注销账号',
        content: '注销后将结束登录，删除您的手机号、姓名和消息；没有家属代办的本人档案也会清除其中的个人信息（详见隐私政策）。不可恢复，确定注销吗？',
        confirmText: '注销',
        confirmColor: '#c0392b',
        success: async (res) => {
          if (!res.confirm) {
            return;
          }
          try {
            await api.del('/me', { loading: '注销中' });
            session.clear();
            this.setData({ user: null });
            wx.showToast({ title: '已注销', icon: 'success' });
            wx.switchTab({ url: '/pages/home/index' });
          } catch (err) {
            // Shown by the API client.
          }
        },
      });
    },
  },
});
