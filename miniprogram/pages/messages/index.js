// 消息: every notification, whether or not WeChat delivered it, newest first; unread ones are
// marked, and opening one marks it read and goes where it points.
const pageBehavior = require('../../behaviors/page');
const paged = require('../../behaviors/paged');
const api = require('../../utils/api');
const inbox = require('../../utils/inbox');
const words = require('../../utils/canteen');

function decorate(m) {
  return Object.assign({}, m, { when: words.clock(m.created_at) });
}

Component({
  behaviors: [pageBehavior, paged],
  data: {
    unread: 0,
  },
  methods: {
    listURL() {
      return '/me/messages?limit=20';
    },
    decorate,
    onShow() {
      this.refresh();
    },
    async loaded() {
      this.setData({ unread: await inbox.refresh() });
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
