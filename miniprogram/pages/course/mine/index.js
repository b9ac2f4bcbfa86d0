// 我的报名: enrolments of oneself and family, with the place on the waiting list, attendance,
// the certificate, and the QR code staff scan at check-in; cancel, or leave the waiting list.
const pageBehavior = require('../../../behaviors/page');
const api = require('../../../utils/api');
const words = require('../../../utils/course');

Component({
  behaviors: [pageBehavior],
  data: {
    loading: true,
    failed: false,
    loadingMore: false,
    items: [],
    cursor: '',
    highlight: 0,
  },
  methods: {
    onLoad(query) {
      this.setData({ highlight: Number((query && query.highlight) || 0) });
    },
    onShow() {
      this.load();
    },
    async load() {
      this.setData({ loading: true, failed: false });
      try {
        const res = await api.get('/enrollments?limit=20', { silent: true });
        this.setData({ items: res.items.map(words.enrollment), cursor: res.next_cursor, loading: false });
      } catch (e) {
        this.setData({ loading: false, failed: true });
      }
    },
    async more() {
      if (!this.data.cursor || this.data.loadingMore) return;
      this.setData({ loadingMore: true });
      try {
        const res = await api.get('/enrollments?limit=20&cursor=' + encodeURIComponent(this.data.cursor));
        this.setData({ items: this.data.items.concat(res.items.map(words.enrollment)), cursor: res.next_cursor });
      } catch (e) {
        // Shown by the API client.
      } finally {
        this.setData({ loadingMore: false });
      }
    },
    onReachBottom() {
      this.more();
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
            this.setData({ items: this.data.items.map((x) => (x.id === id ? words.enrollment(after) : x)) });
            wx.showToast({ title: '已' + item.cancelText, icon: 'success' });
          } catch (err) {
            // Shown by the API client.
          }
        },
      });
    },
  },
});
