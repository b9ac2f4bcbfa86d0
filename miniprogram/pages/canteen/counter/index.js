// 取餐核销 (canteen staff): scan the resident's QR code (or type the code under it) to close the
// order, and today's prep list, read again when pulled down.
const pageBehavior = require('../../../behaviors/page');
const refreshBehavior = require('../../../behaviors/refresh');
const api = require('../../../utils/api');
const denied = require('../../../utils/denied');
const words = require('../../../utils/canteen');

Component({
  behaviors: [pageBehavior, refreshBehavior],
  data: {
    canteenID: 0,
    code: '',
    redeeming: false,
    served: null,
    loading: true,
    failed: false,
    slots: [],
  },
  methods: {
    onLoad(query) {
      this.setData({ canteenID: Number((query && query.canteen_id) || 0) });
    },
    // The prep list is read when the page shows: first, and again when it comes back (from the
    // scanner, or from another page), keeping what it shows meanwhile.
    onShow() {
      this.load();
    },
    load() {
      return this.again(async () => {
        const res = await api.get('/admin/canteens/' + this.data.canteenID + '/prep-list', { silent: true });
        const slots = res.slots.map((s) => Object.assign({}, s, {
          mealName: words.MEALS[s.meal],
          dishLine: s.dishes.map((d) => d.name + '×' + d.count).join('，'),
        }));
        this.setData({ slots });
      });
    },
    onCode(e) {
      this.setData({ code: String(e.detail.value || '').replace(/\D/g, '').slice(0, 6) });
    },
    scan() {
      wx.scanCode({
        scanType: ['qrCode', 'barCode'],
        fail: (err) => denied.explain('scan', err, '也可以直接输入 6 位取餐码。'),
        success: (res) => {
          const code = words.pickupCode(res.result);
          if (!code) {
            wx.showToast({ title: '这不是取餐码，请扫订单上的二维码', icon: 'none' });
            return;
          }
          this.setData({ code });
          this.redeem();
        },
      });
    },
    async redeem() {
      const code = this.data.code;
      if (!/^\d{6}$/.test(code)) {
        wx.showToast({ title: '取餐码为 6 位数字', icon: 'none' });
        return;
      }
      this.setData({ redeeming: true, served: null });
      try {
        const o = await api.post('/admin/canteens/' + this.data.canteenID + '/redeem', { pickup_code: code }, { loading: '核销中' });
        this.setData({
          served: Object.assign({}, o, {
            mealName: words.MEALS[o.meal], modeName: words.MODES[o.mode], pay: words.yuan(o.pay_fen),
            payWay: Number(o.pay_fen) > 0 && o.mode !== 'delivery' ? '请收取 ' + words.yuan(o.pay_fen) : '',
          }),
          code: '',
        });
        wx.showToast({ title: '核销成功', icon: 'success' });
      } catch (err) {
        // already_served and unknown codes: the server's message is shown.
      } finally {
        this.setData({ redeeming: false });
      }
    },
  },
});
