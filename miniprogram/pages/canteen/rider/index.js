// 送餐任务 (riders, 小巷骑兵): today's deliveries by building; delivered, or nobody answered the
// door, which alerts the family and the grid worker at once. Volunteers and staff both ride;
// the list is read again on show and when pulled down.
const pageBehavior = require('../../../behaviors/page');
const refreshBehavior = require('../../../behaviors/refresh');
const api = require('../../../utils/api');
const denied = require('../../../utils/denied');
const words = require('../../../utils/canteen');

function decorate(list) {
  return list.buildings.map((b) => Object.assign({}, b, {
    orders: b.orders.map((o) => Object.assign({}, o, {
      mealName: words.MEALS[o.meal],
      statusName: words.STATUSES[o.status] || o.status,
      open: o.status === 'booked',
    })),
  }));
}

Component({
  behaviors: [pageBehavior, refreshBehavior],
  data: {
    loading: true,
    failed: false,
    buildings: [],
    busy: 0,
  },
  methods: {
    onShow() {
      this.refresh();
    },
    load() {
      return this.again(async () => {
        const res = await api.get('/worker/deliveries', { silent: true });
        this.setData({ buildings: decorate(res) });
      });
    },
    call(e) {
      const phone = e.currentTarget.dataset.phone;
      if (phone) {
        denied.call(phone);
      }
    },
    async record(id, outcome, note) {
      this.setData({ busy: id });
      try {
        await api.post('/worker/deliveries/' + id + '/' + outcome, note ? { note } : {}, { loading: '提交中' });
        wx.showToast({ title: outcome === 'delivered' ? '已送达' : '已通知家属和网格员', icon: 'none' });
        await this.load();
      } catch (err) {
        // Shown by the API client.
      } finally {
        this.setData({ busy: 0 });
      }
    },
    delivered(e) {
      return this.record(Number(e.currentTarget.dataset.id), 'delivered');
    },
    noAnswer(e) {
      const id = Number(e.currentTarget.dataset.id);
      // With an input, WeChat puts a modal's content into the input: the title says it all.
      wx.showModal({
        title: '无人应答？将通知家属和网格员',
        editable: true,
        placeholderText: '选填：如敲门三次、电话未接',
        confirmText: '通知',
        success: (res) => {
          if (res.confirm) {
            this.record(id, 'no-answer', String(res.content || '').trim().slice(0, 200));
          }
        },
      });
    },
  },
});
