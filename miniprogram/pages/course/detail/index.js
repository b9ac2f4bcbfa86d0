// A course: its sessions and seats, and enrolment for oneself or a family member (the waiting
// list when it is full). Consent for the promotion notice is asked before enrolling.
const pageBehavior = require('../../../behaviors/page');
const api = require('../../../utils/api');
const labels = require('../../../utils/person');
const subscribe = require('../../../utils/subscribe');
const words = require('../../../utils/course');

Component({
  behaviors: [pageBehavior],
  data: {
    id: 0,
    loading: true,
    failed: false,
    saving: false,
    course: null,
    persons: [],
    personIndex: -1,
    personsLoaded: false,
  },
  methods: {
    onLoad(query) {
      const id = Number((query && query.id) || 0);
      const cached = wx.getStorageSync('linli.course');
      this.setData({ id, course: cached && cached.id === id ? cached : null });
      this.load();
    },
    load() {
      return this.loadWith(async () => {
        const c = await api.get('/courses/' + this.data.id, { auth: false, silent: true });
        this.setData({ course: words.decorate(c) });
      });
    },
    async loadPersons() {
      try {
        const res = await api.get('/persons', { silent: true });
        const persons = labels.pickable(res.items);
        this.setData({ persons, personIndex: persons.length ? 0 : -1, personsLoaded: true });
      } catch (e) {
        wx.showToast({ title: '没有加载到家人，请重试', icon: 'none' });
      }
    },
    pickPerson(e) {
      this.setData({ personIndex: Number(e.detail.value) });
    },
    fillProfile() {
      wx.navigateTo({ url: '/pages/onboarding/index' });
    },
    addFamily() {
      wx.navigateTo({ url: '/pages/family/form/index' });
    },
    async enroll() {
      if (!this.data.personsLoaded) {
        await this.loadPersons();
        return;
      }
      const p = this.data.persons[this.data.personIndex];
      if (!p) {
        wx.showToast({ title: '请选择为谁报名', icon: 'none' });
        return;
      }
      const full = this.data.course.full;
      this.setData({ saving: true });
      try {
        // Whoever waits wants to hear when a seat comes; the enrolled, of the lessons.
        await subscribe.ask(['course_update']);
        const e = await api.post('/courses/' + this.data.id + '/enrollments', { person_id: p.id }, { loading: full ? '候补中' : '报名中' });
        const title = e.status === 'enrolled' ? '报名成功' : '已候补第 ' + e.waitlist_position + ' 位';
        wx.showToast({ title, icon: e.status === 'enrolled' ? 'success' : 'none' });
        wx.redirectTo({ url: '/pages/course/mine/index?highlight=' + e.id });
      } catch (err) {
        // The server's message is shown (already enrolled, closed, not the right age).
        if (err.code === 'enrollment_closed') {
          this.load();
        }
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
