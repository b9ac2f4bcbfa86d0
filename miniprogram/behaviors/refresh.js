// Pages that show lists: they load again each time they come back to the front (a person added,
// an address filled in, seats taken meanwhile) and when pulled down (the page's json sets
// enablePullDownRefresh). A page defines refresh() (by default load()) and may call again(fn)
// to run its loading without blanking what it already shows.
module.exports = Behavior({
  methods: {
    refresh() {
      return this.load();
    },
    // again runs fn, the page's loading: through loadWith (the loading state, then the page or
    // the failed state) the first time and after a failure; otherwise quietly, keeping what is
    // shown, and saying so if it could not refresh. It answers whether fn succeeded.
    async again(fn) {
      if (!this.shownOnce || this.data.failed) {
        const ok = await this.loadWith(fn);
        this.shownOnce = ok;
        return ok;
      }
      try {
        await fn();
        return true;
      } catch (e) {
        wx.showToast({ title: '没有刷新成功，请稍后再试', icon: 'none' });
        return false;
      }
    },
    async onPullDownRefresh() {
      try {
        await this.refresh();
      } finally {
        wx.stopPullDownRefresh();
      }
    },
  },
});
