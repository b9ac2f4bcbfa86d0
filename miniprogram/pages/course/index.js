// 家长大学: themes and their courses, open to everyone before sign-up; my enrolments; for staff,
// check-in. A user who looks after someone picks for whom, and the courses are those of that
// person's community; a visitor sees the community they chose (asked first). Read again each
// time the page shows (a child just added, seats taken) and when pulled down.
const pageBehavior = require('../../behaviors/page');
const refreshBehavior = require('../../behaviors/refresh');
const browsing = require('../../behaviors/browsing');
const api = require('../../utils/api');
const session = require('../../utils/session');
const community = require('../../utils/community');
const words = require('../../utils/course');

const PAGE = 20;

Component({
  behaviors: [pageBehavior, refreshBehavior, browsing],
  data: {
    loading: true,
    failed: false,
    loadingMore: false,
    communityID: 0,
    themes: [],
    theme: '',
    courses: [],
    cursor: '',
    isStaff: false,
  },
  methods: {
    onShow() {
      const u = session.user();
      const roles = (u && u.roles) || [];
      this.setData({ isStaff: roles.some((r) => r.role === 'staff') });
      // Whom the user acts for, the community, a child just added, the seats: all may have
      // changed on another page.
      this.refresh();
    },
    load() {
      return this.again(async () => {
        const communityID = await community.browsed(this);
        if (communityID !== this.data.communityID) {
          this.setData({ theme: '' });
        }
        this.setData({ communityID: communityID || 0 });
        if (communityID) {
          const themes = await api.get('/course-themes?community_id=' + communityID, { auth: false, silent: true });
          this.setData({ themes: themes.items });
          if (themes.items.length) {
            await this.loadCourses();
          }
        } else {
          this.setData({ themes: [], courses: [], cursor: '' });
        }
      });
    },
    coursesURL(cursor) {
      let url = '/courses?community_id=' + this.data.communityID + '&limit=' + PAGE;
      if (this.data.theme) url += '&theme=' + encodeURIComponent(this.data.theme);
      if (cursor) url += '&cursor=' + encodeURIComponent(cursor);
      return url;
    },
    async loadCourses() {
      const res = await api.get(this.coursesURL(''), { auth: false, silent: true });
      const now = Date.now();
      this.setData({ courses: res.items.map((c) => words.decorate(c, now)), cursor: res.next_cursor });
    },
    async more() {
      if (!this.data.cursor || this.data.loadingMore) return;
      this.setData({ loadingMore: true });
      try {
        const res = await api.get(this.coursesURL(this.data.cursor), { auth: false });
        const now = Date.now();
        this.setData({ courses: this.data.courses.concat(res.items.map((c) => words.decorate(c, now))), cursor: res.next_cursor });
      } catch (e) {
        // Shown by the API client.
      } finally {
        this.setData({ loadingMore: false });
      }
    },
    onReachBottom() {
      this.more();
    },
    async pickTheme(e) {
      this.setData({ theme: e.currentTarget.dataset.theme || '' });
      try {
        await this.loadCourses();
      } catch (err) {
        this.setData({ failed: true });
      }
    },
    // pickPerson shows the courses of the community where the person picked lives.
    pickPerson(e) {
      community.choose(this.data.persons[Number(e.detail.value)]);
      this.setData({ theme: '' });
      this.load();
    },
    open(e) {
      const c = this.data.courses[Number(e.currentTarget.dataset.index)];
      wx.setStorageSync('linli.course', c);
      wx.navigateTo({ url: '/pages/course/detail/index?id=' + c.id });
    },
    openMine() {
      wx.navigateTo({ url: '/pages/course/mine/index' });
    },
    openCheckin() {
      wx.navigateTo({ url: '/pages/course/checkin/index' });
    },
  },
});
