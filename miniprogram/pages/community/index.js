// 选择社区: a visitor who has not joined a community chooses the one whose canteen, courses and
// reports they want to see: by name, or the nearest to where they are (only if they let WeChat
// tell). The choice is remembered on the phone and every tab follows it when shown again.
const pageBehavior = require('../../behaviors/page');
const api = require('../../utils/api');
const community = require('../../utils/community');
const denied = require('../../utils/denied');

Component({
  behaviors: [pageBehavior],
  data: {
    loading: true,
    failed: false,
    communities: [],
    shown: [],
    query: '',
    current: 0,
    locating: false,
    near: null,
  },
  methods: {
    onLoad() {
      const p = community.place();
      this.setData({ current: p ? p.id : 0 });
      this.load();
    },
    load() {
      return this.loadWith(async () => {
        const res = await api.get('/communities?limit=100', { auth: false, silent: true });
        this.setData({ communities: res.items });
        this.filter();
      });
    },
    onQuery(e) {
      this.setData({ query: String(e.detail.value || '') });
      this.filter();
    },
    // filter keeps the communities whose name has what was typed.
    filter() {
      const q = this.data.query.trim();
      this.setData({ shown: q ? this.data.communities.filter((c) => c.name.indexOf(q) >= 0) : this.data.communities });
    },
    // locate asks WeChat where the user is and offers the nearest community; a refusal is
    // answered with the other way, choosing by name.
    locate() {
      this.setData({ locating: true });
      wx.getLocation({
        type: 'gcj02',
        success: (res) => {
          const best = community.nearest(this.data.communities, res.latitude, res.longitude);
          if (!best) {
            wx.showToast({ title: '社区还没有标注位置，请按名称选择', icon: 'none', duration: 2500 });
            return;
          }
          this.setData({ near: Object.assign({}, best.community, { far: community.far(best.metres) }) });
        },
        fail: (err) => denied.explain('location', err, '没有位置也可以用：在下面按名称找到您的社区。'),
        complete: () => this.setData({ locating: false }),
      });
    },
    pickNear() {
      this.pick(this.data.near);
    },
    pickListed(e) {
      this.pick(this.data.shown[Number(e.currentTarget.dataset.index)]);
    },
    pick(c) {
      community.setPlace(c);
      wx.showToast({ title: '已选择' + c.name, icon: 'none' });
      wx.navigateBack({ fail: () => wx.switchTab({ url: '/pages/home/index' }) });
    },
  },
});
