// One person's record, who acts for them, and the guardian's own actions (edit, hand on the
// primary role, leave). A safety alert (安危确认) still waiting for someone shows first, in red,
// and opens the alert's page; the recent closed ones follow the record.
const pageBehavior = require('../../../behaviors/page');
const api = require('../../../utils/api');
const session = require('../../../utils/session');
const labels = require('../../../utils/person');
const alerts = require('../../../utils/alert');

// How many closed alerts the page lists.
const RECENT = 3;

Component({
  behaviors: [pageBehavior],
  data: {
    id: 0,
    loading: true,
    failed: false,
    person: null,
    guardians: [],
    me: 0,
    amPrimary: false,
    liveAlerts: [],
    pastAlerts: [],
  },
  methods: {
    onLoad(query) {
      this.setData({ id: Number((query && query.id) || 0) });
    },
    onShow() {
      this.load();
    },
    load() {
      return this.loadWith(async () => {
        const path = '/persons/' + this.data.id;
        const [p, g, a] = await Promise.all([
          api.get(path, { silent: true }),
          api.get(path + '/guardians', { silent: true }),
          // The alerts never keep the record from showing.
          api.get(path + '/alerts?limit=10', { silent: true }).catch(() => ({ items: [] })),
        ]);
        const user = session.user();
        const me = user ? user.id : 0;
        const all = (a.items || []).map((x) => alerts.decorate(x, me));
        const guardians = g.items.map((x) => Object.assign({}, x, {
          relationText: labels.labelOf(labels.RELATIONS, x.relation),
          statusText: x.status === 'pending' ? '待审核' : '',
          mine: x.user_id === me,
        }));
        this.setData({
          me,
          liveAlerts: all.filter((x) => x.live),
          pastAlerts: all.filter((x) => !x.live).slice(0, RECENT),
          amPrimary: guardians.some((x) => x.mine && x.primary),
          guardians,
          person: Object.assign({}, p, {
            badge: labels.badge(p),
            genderText: labels.labelOf(labels.GENDERS, p.gender),
            careText: labels.labelOf(labels.CARE_LEVELS, p.care_level),
            address: [p.building_name, p.unit, p.room].filter(Boolean).join(' '),
          }),
        });
      });
    },
    openAlert(e) {
      wx.navigateTo({ url: '/pages/alert/index?id=' + e.currentTarget.dataset.id });
    },
    edit() {
      wx.navigateTo({ url: '/pages/family/form/index?id=' + this.data.id });
    },
    makePrimary(e) {
      const uid = e.currentTarget.dataset.id;
      wx.showModal({
        title: '设为主监护人',
        content: '主监护人负责这位家人的主要事务，确定转给TA吗？',
        success: async (res) => {
          if (!res.confirm) return;
          try {
            await api.post('/persons/' + this.data.id + '/guardians/' + uid + '/primary', {}, { loading: '提交中' });
            this.load();
          } catch (err) {
            // Shown by the API client.
          }
        },
      });
    },
    // The right to delete (隐私政策): the ID card and phone numbers are erased on the server. A
    // verified person must then be verified again by staff before subsidies apply.
    clearNumbers() {
      const p = this.data.person;
      const body = {};
      if (p.id_card) body.id_card = '';
      if (p.phone) body.phone = '';
      const again = p.id_card && p.verified ? '删除身份证号后需社区重新核对身份，核对前订餐不享受补贴。' : '';
      wx.showModal({
        title: '删除身份证号和电话',
        content: '删除后不再保存TA的' + (p.id_card ? (p.phone ? '身份证号和电话' : '身份证号') : '电话') + '，需要时可以重新填写。' + again + '确定删除吗？',
        confirmText: '删除',
        confirmColor: '#d54941',
        success: async (res) => {
          if (!res.confirm) return;
          try {
            await api.patch('/persons/' + this.data.id, body, { loading: '删除中' });
            wx.showToast({ title: '已删除', icon: 'success' });
            this.load();
          } catch (err) {
            // Shown by the API client.
          }
        },
      });
    },
    leave() {
      wx.showModal({
        title: '不再代办',
        content: '退出后您将不能再替TA订餐、报事，TA的档案仍由社区保留。确定退出吗？',
        confirmText: '退出',
        confirmColor: '#c0392b',
        success: async (res) => {
          if (!res.confirm) return;
          try {
            await api.del('/persons/' + this.data.id + '/guardians/' + this.data.me, { loading: '提交中' });
            wx.showToast({ title: '已退出', icon: 'success' });
            wx.navigateBack();
          } catch (err) {
            // Shown by the API client.
          }
        },
      });
    },
  },
});
