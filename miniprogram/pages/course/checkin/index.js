// 上课签到 (staff): pick a course and its session, then scan each enrolment's QR code or tick
// the person on the roster. Attendance and certificates show as they change; pulling down reads
// the courses and the roster again.
const pageBehavior = require('../../../behaviors/page');
const refreshBehavior = require('../../../behaviors/refresh');
const api = require('../../../utils/api');
const denied = require('../../../utils/denied');
const words = require('../../../utils/course');

function line(l, sessionIndex) {
  return Object.assign({}, l, {
    here: l.attended.indexOf(sessionIndex) >= 0,
    attendedText: '出勤 ' + l.attended.length + ' 次',
  });
}

Component({
  behaviors: [pageBehavior, refreshBehavior],
  data: {
    loading: true,
    failed: false,
    courses: [],
    courseIndex: -1,
    sessions: [],
    sessionIndex: 0,
    rosterLoading: false,
    enrolled: [],
    waiting: [],
    checking: 0,
  },
  methods: {
    // The courses are read when the page first shows; when it shows again (back from the
    // scanner, or from another page) the roster shown is read again, keeping it on screen.
    onShow() {
      if (!this.opened) {
        this.opened = true;
        return this.load();
      }
      return this.data.courseIndex >= 0 ? this.loadRoster(true) : this.load();
    },
    async load() {
      const ok = await this.loadWith(async () => {
        // The server lists the signed-in user's community.
        const res = await api.get('/courses?limit=100', { silent: true });
        this.setData({ courses: res.items.map((c) => words.decorate(c)) });
      });
      if (ok && this.data.courses.length) {
        await this.pickCourse({ detail: { value: this.nearest(this.data.courses) } });
      }
    },
    // refresh reads the roster of the course shown again (or everything, when none is).
    refresh() {
      return this.data.courseIndex >= 0 ? this.loadRoster() : this.load();
    },
    // nearest is the course whose next session is soonest (today's class, usually).
    nearest(courses) {
      const now = Date.now() - 3 * 3600 * 1000;
      let best = 0;
      let bestAt = Infinity;
      courses.forEach((c, i) => {
        c.sessions.forEach((s) => {
          const at = Date.parse(s.starts_at);
          if (at >= now && at < bestAt) {
            best = i;
            bestAt = at;
          }
        });
      });
      return best;
    },
    async pickCourse(e) {
      const courseIndex = Number(e.detail.value);
      const c = this.data.courses[courseIndex];
      const now = Date.now() - 3 * 3600 * 1000;
      const upcoming = c.sessions.findIndex((s) => Date.parse(s.starts_at) >= now);
      this.setData({
        courseIndex,
        sessions: c.sessionLines,
        sessionIndex: upcoming >= 0 ? upcoming : c.sessions.length - 1,
      });
      await this.loadRoster();
    },
    pickSession(e) {
      this.setData({ sessionIndex: Number(e.detail.value) });
      this.relabel();
    },
    current() {
      return { course: this.data.courses[this.data.courseIndex], index: this.data.sessionIndex + 1 };
    },
    // loadRoster reads the course's roster, showing that it loads unless quiet.
    async loadRoster(quiet) {
      const { course } = this.current();
      if (!quiet) this.setData({ rosterLoading: true });
      try {
        const res = await api.get('/admin/courses/' + course.id + '/roster', { silent: true });
        this.roster = res.items;
        this.relabel();
      } catch (e) {
        wx.showToast({ title: '名单没有加载成功', icon: 'none' });
      } finally {
        this.setData({ rosterLoading: false });
      }
    },
    relabel() {
      const { index } = this.current();
      const all = (this.roster || []).map((l) => line(l, index));
      this.setData({ enrolled: all.filter((l) => l.status === 'enrolled'), waiting: all.filter((l) => l.status === 'waitlisted') });
    },
    scan() {
      wx.scanCode({
        scanType: ['qrCode'],
        fail: (err) => denied.explain('scan', err, '也可以在名单上直接点“签到”。'),
        success: (res) => {
          const id = words.enrollmentID(res.result);
          if (!id) {
            wx.showToast({ title: '这不是课程签到码', icon: 'none' });
            return;
          }
          this.checkin(id);
        },
      });
    },
    tick(e) {
      return this.checkin(Number(e.currentTarget.dataset.id));
    },
    async checkin(enrollmentID) {
      const { course, index } = this.current();
      this.setData({ checking: enrollmentID });
      try {
        const e = await api.post('/admin/courses/' + course.id + '/checkin', { enrollment_id: enrollmentID, session_index: index }, { loading: '签到中' });
        this.roster = (this.roster || []).map((l) => (l.enrollment_id === e.id
          ? Object.assign({}, l, { attended: e.attended, certificate: e.certificate }) : l));
        this.relabel();
        wx.showToast({ title: e.person_name + ' 签到成功', icon: 'success' });
      } catch (err) {
        // Another course's code, or one on the waiting list: the server's message is shown.
      } finally {
        this.setData({ checking: 0 });
      }
    },
  },
});
