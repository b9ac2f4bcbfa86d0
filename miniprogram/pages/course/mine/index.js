// 我的报名: enrolments of oneself and family, with the place on the waiting list, attendance,
// the certificate, and the QR code staff scan at check-in; cancel, or leave the waiting list.
const pageBehavior = require('../../../behaviors/page');
const paged = require('../../../behaviors/paged');
const api = require('../../../utils/api');
const words = require('../../../utils/course');

Component({
  behaviors: [pageBehavior, paged],
  data: {
    highlight: 0,
  },
  methods: {
    listURL() {
      return '/enrollments?limit=20';
    },
    decorate: words.enrollment,
    onLoad(query) {
      this.setData({ highlight: Number((query && query.highlight) || 0) });
    },
    onShow() {
      this.refresh();
    },
    cancel(e) {
      const id = Number(e.currentTarget.dataset.id);
      const item = this.data.items.find((x) => x.id === id);
      wx.showModal({
        title: item.cancelText,
        content: item.status === 'waitlisted' ? '退出后不再为TA候补，确定吗？' : '取消后名额会让给候补的人，确定吗？',
        confirmText: item.cancelText,
        cancelText: '再想想',
        success: async (res) => {
          if (!res.confirm) return;
          try {
            const after = await api.post('/enrollments/' + id + '/cancel', {}, { loading: '处理中' });
            this.replace(after);
            wx.showToast({ title: '已' + item.cancelText, icon: 'success' });
          } catch (err) {
            // Shown by the API client.
          }
        },
      });
    },
  },
});
