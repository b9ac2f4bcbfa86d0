// One report: its progress step by step, and the reporter's actions (confirm with a rating,
// reopen, cancel).
const pageBehavior = require('../../../behaviors/page');
const api = require('../../../utils/api');
const words = require('../../../utils/report');

function decorate(r) {
  return Object.assign({}, r, {
    statusName: words.STATUSES[r.status] || r.status,
    levelName: words.LEVELS[r.level],
    place: words.placeOf(r),
    onMap: words.onMap(r),
    steps: words.steps(r),
    canConfirm: r.status === 'resolved',
    canReopen: r.status === 'resolved' || r.status === 'closed',
    canCancel: r.status === 'submitted' || r.status === 'assigned',
  });
}

Component({
  behaviors: [pageBehavior],
  data: {
    id: 0,
    loading: true,
    failed: false,
    report: null,
    rating: 5,
    comment: '',
    stars: [1, 2, 3, 4, 5],
  },
  methods: {
    onLoad(query) {
      this.setData({ id: Number((query && query.id) || 0) });
    },
    onShow() {
      this.load();
    },
    load() {
      return this.loadWith(async () => {
        const r = await api.get('/reports/' + this.data.id, { silent: true });
        this.setData({ report: decorate(r) });
      });
    },
    rate(e) {
      this.setData({ rating: Number(e.currentTarget.dataset.n) });
    },
    onComment(e) {
      this.setData({ comment: e.detail.value });
    },
    async act(path, body, done) {
      try {
        const r = await api.post('/reports/' + this.data.id + '/' + path, body, { loading: '提交中' });
        wx.showToast({ title: done, icon: 'success' });
        await this.load();
        return r;
      } catch (err) {
        return null;
      }
    },
    confirm() {
      return this.act('confirm', { rating: this.data.rating, comment: String(this.data.comment || '').trim() }, '谢谢评价');
    },
    reopen() {
      wx.showModal({
        title: '重新打开',
        editable: true,
        placeholderText: '说说还有什么问题',
        confirmText: '重新打开',
        success: (res) => {
          if (res.confirm) {
            this.act('reopen', { reason: String(res.content || '').trim().slice(0, 200) }, '已重新打开');
          }
        },
      });
    },
    cancel() {
      wx.showModal({
        title: '撤销报事',
        content: '确定撤销吗？',
        confirmText: '撤销',
        success: (res) => {
          if (res.confirm) {
            this.act('cancel', {}, '已撤销');
          }
        },
      });
    },
    openMap() {
      words.openMap(this.data.report);
    },
    preview(e) {
      const urls = this.data.report.photos.map((p) => p.url);
      wx.previewImage({ urls, current: e.currentTarget.dataset.url });
    },
  },
});
