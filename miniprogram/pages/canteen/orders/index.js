// 我的订餐: orders for oneself and family, the pick-up code shown large and as a QR code for the
// counter's 扫码核销, how and where to pay, cancel before the cut-off.
const pageBehavior = require('../../../behaviors/page');
const paged = require('../../../behaviors/paged');
const api = require('../../../utils/api');
const words = require('../../../utils/canteen');

function decorate(o) {
  return Object.assign({}, o, {
    when: words.dayLabel(o.date) + ' ' + words.MEALS[o.meal],
    modeName: words.MODES[o.mode],
    statusName: words.STATUSES[o.status] || o.status,
    price: words.yuan(o.price_fen),
    subsidy: words.yuan(o.subsidy_fen),
    pay: words.yuan(o.pay_fen),
    showCode: o.status === 'booked' && o.mode !== 'delivery',
    qr: words.pickupQR(o.pickup_code),
    payWay: o.status === 'booked' ? words.payWay(o) : '',
  });
}

Component({
  behaviors: [pageBehavior, paged],
  data: {
    highlight: 0,
  },
  methods: {
    listURL() {
      return '/meal-orders?limit=20';
    },
    decorate,
    onLoad(query) {
      this.setData({ highlight: Number((query && query.highlight) || 0) });
    },
    onShow() {
      this.refresh();
    },
    cancel(e) {
      const id = Number(e.currentTarget.dataset.id);
      wx.showModal({
        title: '取消订餐',
        content: '确定取消这一餐吗？',
        confirmText: '取消订餐',
        cancelText: '再想想',
        success: async (res) => {
          if (!res.confirm) return;
          try {
            const order = await api.post('/meal-orders/' + id + '/cancel', {}, { loading: '取消中' });
            this.replace(order);
            wx.showToast({ title: '已取消', icon: 'success' });
          } catch (err) {
            // Shown by the API client.
          }
        },
      });
    },
  },
});
