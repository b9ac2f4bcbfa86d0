// 消息: every notification, whether or not WeChat delivered it, newest first; unread ones are
// marked, and opening one marks it read and goes where it points.
const pageBehavior = require('../../behaviors/page');
const api = require('../../utils/api');
const inbox = require('../../utils/inbox');
const words = require('../../utils/canteen');

function decorate(m) {
  return Object.assign({}, m, { when: words.clock(m.created_at) });
}

Component({
  behaviors: [pageBehavior],
  data: {
    loading: true,
    failed: false,
    loadingMore: false,
    items: [],
    cursor: '',
    unread: 0,
  },
  methods: {
    onShow() {
      this.load();
    },
    async load() {
      this.setData({ loading: true, failed: false });
      try {
        const res = await api.get('/me/messages?limit=20', { silent: true });
        this.setData({ items: res.items.map(decorate), cursor: res.next_cursor, loading: false });
        this.setData({ unread: await inbox.refresh() });
      } catch (e) {
        this.setData({ loading: false, failed: true });
      }
    },
    async more() {
      if (!this.data.cursor || this.data.loadingMore) return;
      this.setData({ loadingMore: true });
      try {
        const res = await api.get('/me/messages?limit=20&cursor=' + encodeURIComponent(this.data.cursor));
        this.setData({ items: this.data.items.concat(res.items.map(decorate)), cursor: res.next_cursor });
      } catch (e) {
        // Shown by the API client.
      } finally {
        this.setData({ loadingMore: false });
      }
    },
    onReachBottom() {
      this.more();
    },
    async markRead(body) {
      const res = await api.post('/me/messages/read', body, { silent: true });
      this.setData({ unread: inbox.badge(res.count) });
    },
    async tap(e) {
      const m = this.data.items[Number(e.currentTarget.dataset.index)];
      if (!m.read) {
        this.setData({ items: this.data.items.map((x) => (x.id === m.id ? Object.assign({}, x, { read: true }) : x)) });
        try {
          await this.markRead({ ids: [m.id] });
        } catch (err) {
          // It stays unread on the server; the next visit shows it so.
        }
      }
      inbox.open(m.page);
    },
    async readAll() {
      try {
        await this.markRead({ all: true });
        this.setData({ items: this.data.items.map((x) => Object.assign({}, x, { read: true })) });
      } catch (err) {
        wx.showToast({ title: '没有成功，请稍后再试', icon: 'none' });
      }
    },
  },
});
