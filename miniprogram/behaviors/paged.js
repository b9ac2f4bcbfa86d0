// A paged list: load() reads the first page of this.listURL(), more() the next one (also when
// the user reaches the bottom), every item through this.decorate. loading, failed and
// loadingMore drive the states the page shows (with the page behaviour's loadWith); a page may
// define loaded() to run after a load. refresh() (on show, and when pulled down) reads the first
// page again without blanking the list.
const api = require('../utils/api');
const refreshBehavior = require('./refresh');

function withCursor(url, cursor) {
  return url + (url.indexOf('?') >= 0 ? '&' : '?') + 'cursor=' + encodeURIComponent(cursor);
}

module.exports = Behavior({
  behaviors: [refreshBehavior],
  data: { loading: true, failed: false, loadingMore: false, items: [], cursor: '' },
  methods: {
    decorate(item) {
      return item;
    },
    async first() {
      const res = await api.get(this.listURL(), { silent: true });
      this.setData({ items: res.items.map((x) => this.decorate(x)), cursor: res.next_cursor });
    },
    async load() {
      const ok = await this.loadWith(() => this.first());
      this.shownOnce = ok;
      if (ok && this.loaded) {
        await this.loaded();
      }
    },
    async refresh() {
      const ok = await this.again(() => this.first());
      if (ok && this.loaded) {
        await this.loaded();
      }
    },
    async more() {
      if (!this.data.cursor || this.data.loadingMore) return;
      this.setData({ loadingMore: true });
      try {
        const res = await api.get(withCursor(this.listURL(), this.data.cursor));
        this.setData({ items: this.data.items.concat(res.items.map((x) => this.decorate(x))), cursor: res.next_cursor });
      } catch (e) {
        // Shown by the API client.
      } finally {
        this.setData({ loadingMore: false });
      }
    },
    onReachBottom() {
      this.more();
    },
    // replace puts the server's new version of an item in its place.
    replace(item) {
      this.setData({ items: this.data.items.map((x) => (x.id === item.id ? this.decorate(item) : x)) });
    },
  },
});
