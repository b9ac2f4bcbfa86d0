// 家人: the persons the user manages (own record first), with what staff have decided, and the
// requests the user made. Read again on show and when pulled down.
const pageBehavior = require('../../behaviors/page');
const refreshBehavior = require('../../behaviors/refresh');
const api = require('../../utils/api');
const labels = require('../../utils/person');

function decorate(p) {
  return Object.assign({}, p, {
    badge: labels.badge(p),
    relationText: p.guardianship === 'self' ? '本人' : labels.labelOf(labels.RELATIONS, p.relation),
    address: [p.building_name, p.unit, p.room].filter(Boolean).join(' '),
  });
}

Component({
  behaviors: [pageBehavior, refreshBehavior],
  data: {
    loading: true,
    failed: false,
    persons: [],
    requests: [],
  },
  methods: {
    onShow() {
      this.refresh();
    },
    load() {
      return this.again(async () => {
        const [persons, requests] = await Promise.all([
          api.get('/persons', { silent: true }),
          api.get('/me/guardian-requests?limit=20', { silent: true }),
        ]);
        // Registrations show as persons; the list below is for asking to join and claims.
        const others = requests.items
          .filter((r) => r.kind !== 'register' && r.status !== 'approved')
          .map((r) => Object.assign({}, r, { kindText: labels.KINDS[r.kind], statusText: labels.STATUSES[r.status] }));
        this.setData({ persons: persons.items.map(decorate), requests: others });
      });
    },
    open(e) {
      wx.navigateTo({ url: '/pages/family/detail/index?id=' + e.currentTarget.dataset.id });
    },
    add() {
      wx.navigateTo({ url: '/pages/family/form/index' });
    },
  },
});
