// 报事: emergency numbers first, then "我要报事" and the user's reports with their progress (read
// again on show and when pulled down). A visitor sees which community they chose, and where to
// change it (their address, once they report, starts from it).
const pageBehavior = require('../../behaviors/page');
const paged = require('../../behaviors/paged');
const browsing = require('../../behaviors/browsing');
const session = require('../../utils/session');
const denied = require('../../utils/denied');
const community = require('../../utils/community');
const words = require('../../utils/report');

function decorate(r) {
  return Object.assign({}, r, { statusName: words.STATUSES[r.status] || r.status, when: r.created_at.slice(5, 16).replace('T', ' ') });
}

Component({
  behaviors: [pageBehavior, paged, browsing],
  data: {
    checking: false,
    signedUp: false,
    isWorker: false,
    loading: false,
  },
  methods: {
    listURL() {
      return '/reports?limit=20';
    },
    decorate,
    onShow() {
      const u = session.user();
      const roles = (u && u.roles) || [];
      // Reports for a family member count too, so a user who joined no community has a list.
      const signedUp = !!u && session.signedIn();
      this.setData({
        signedUp,
        isWorker: roles.some((r) => ['grid_worker', 'volunteer', 'staff'].includes(r.role)),
        // A visitor's chosen community; a resident's is their address.
        place: u && u.community_id ? null : community.place(),
      });
      if (signedUp) {
        this.refresh();
      }
    },
    onPullDownRefresh() {
      const done = () => wx.stopPullDownRefresh();
      return (this.data.signedUp ? this.refresh() : Promise.resolve()).then(done, done);
    },
    // Reporting needs to know where: the user's own address, or a family member's (then the
    // user need not fill in their own).
    async startReport() {
      this.setData({ checking: true });
      try {
        if (await session.ensureCanAct()) {
          wx.navigateTo({ url: '/pages/report/form/index' });
        }
      } catch (e) {
        // The API client has already shown the message.
      } finally {
        this.setData({ checking: false });
      }
    },
    open(e) {
      wx.navigateTo({ url: '/pages/report/detail/index?id=' + e.currentTarget.dataset.id });
    },
    openTasks() {
      wx.navigateTo({ url: '/pages/report/task/index' });
    },
    callEmergency(e) {
      denied.call(e.currentTarget.dataset.number);
    },
  },
});
