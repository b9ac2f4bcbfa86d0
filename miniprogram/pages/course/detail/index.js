// A course: its sessions and seats, and enrolment for oneself or a family member living in the
// course's community (the waiting list when it is full), in one tap: the persons are read with
// the course, and again when the page shows (back from filling in the address, or from
// "+ 添加家人" / "+ 添加孩子", which comes back with the one just added picked). The enrol tap asks
// consent for the course notices first (a seat from the waiting list, a change), then enrols
// whatever the answer. A course can be shared with relatives.
const pageBehavior = require('../../../behaviors/page');
const refreshBehavior = require('../../../behaviors/refresh');
const api = require('../../../utils/api');
const community = require('../../../utils/community');
const labels = require('../../../utils/person');
const subscribe = require('../../../utils/subscribe');
const words = require('../../../utils/course');

const CONSENT = ['course_update'];

Component({
  behaviors: [pageBehavior, refreshBehavior],
  data: {
    id: 0,
    loading: true,
    failed: false,
    saving: false,
    course: null,
    persons: [],
    personIndex: -1,
    personsLoaded: false,
    elsewhere: false,
    consentNote: '',
  },
  methods: {
    onLoad(query) {
      const id = Number((query && query.id) || 0);
      const cached = wx.getStorageSync('linli.course');
      this.setData({ id, course: cached && cached.id === id ? cached : null });
    },
    onShow() {
      this.refresh();
    },
    load() {
      subscribe.load().then(() => this.showConsent());
      return this.again(async () => {
        const c = await api.get('/courses/' + this.data.id, { auth: false, silent: true });
        this.setData({ course: words.decorate(c) });
        if (this.data.course.open) {
          await this.loadPersons();
        }
      });
    },
    showConsent() {
      this.setData({ consentNote: subscribe.note(CONSENT, 'course') });
    },
    async loadPersons() {
      try {
        const res = await api.get('/persons', { silent: true });
        // Only those who live in the course's community can take it.
        const persons = community.within(labels.pickable(res.items), this.data.course.community_id);
        this.setData({
          persons,
          personIndex: persons.length ? community.chosenIndex(persons) : -1,
          personsLoaded: true,
          elsewhere: res.items.length > 0 && persons.length === 0,
        });
      } catch (e) {
        wx.showToast({ title: '没有加载到家人，请重试', icon: 'none' });
      }
    },
    pickPerson(e) {
      this.setData({ personIndex: Number(e.detail.value) });
      community.choose(this.data.persons[this.data.personIndex]);
    },
    fillProfile() {
      wx.navigateTo({ url: '/pages/onboarding/index' });
    },
    // addFamily registers a family member (a child, for a children's course) and comes back here
    // with them picked.
    addFamily() {
      const child = this.data.course && this.data.course.audience === 'children';
      wx.navigateTo({ url: '/pages/family/form/index?pick=1' + (child ? '&kind=child' : '') });
    },
    // A relative forwards the course; it opens here.
    onShareAppMessage() {
      const c = this.data.course;
      return { title: (c ? c.title + '｜' : '') + '家长大学', path: '/pages/course/detail/index?id=' + this.data.id };
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
      // First, before any wait: WeChat takes a consent request only straight from the tap.
      // Whoever waits wants to hear when a seat comes; the enrolled, of the lessons.
      const consent = subscribe.ask(CONSENT);
      const full = this.data.course.full;
      this.setData({ saving: true });
      try {
        await consent;
        const e = await api.post('/courses/' + this.data.id + '/enrollments', { person_id: p.id }, { loading: full ? '候补中' : '报名中' });
        const title = e.status === 'enrolled' ? '报名成功' : '已候补第 ' + e.waitlist_position + ' 位';
        wx.showToast({ title, icon: e.status === 'enrolled' ? 'success' : 'none' });
        wx.redirectTo({ url: '/pages/course/mine/index?highlight=' + e.id });
      } catch (err) {
        // The server's message is shown (already enrolled, closed, not the right age).
        if (err.code === 'enrollment_closed') {
          this.load();
        }
        this.showConsent();
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
