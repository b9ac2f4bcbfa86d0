// Onboarding: where the user lives, asked only when a feature first needs it. A visitor starts
// from the community they chose.
const pageBehavior = require('../../behaviors/page');
const api = require('../../utils/api');
const session = require('../../utils/session');
const community = require('../../utils/community');

const REQUIRED = '必填';

Component({
  behaviors: [pageBehavior],
  data: {
    loading: true,
    failed: false,
    saving: false,
    communities: [],
    communityIndex: -1,
    buildings: [],
    buildingIndex: -1,
    form: { name: '', unit: '', room: '' },
    errors: {},
  },
  methods: {
    onLoad() {
      this.loadCommunities();
    },
    loadCommunities() {
      return this.loadWith(async () => {
        const res = await api.get('/communities?limit=100', { auth: false });
        const user = session.user();
        const chosen = community.place();
        const id = (user && user.community_id) || (chosen && chosen.id) || 0;
        const index = res.items.findIndex((c) => c.id === id);
        this.setData({ communities: res.items, communityIndex: index });
        if (user && user.name) {
          this.setData({ 'form.name': user.name });
        }
        if (index >= 0) {
          await this.loadBuildings();
        }
      });
    },
    async loadBuildings() {
      const c = this.data.communities[this.data.communityIndex];
      if (!c) {
        return;
      }
      const res = await api.get('/communities/' + c.id + '/buildings?limit=100', { auth: false });
      this.setData({ buildings: res.items, buildingIndex: -1 });
    },
    async pickCommunity(e) {
      this.setData({ communityIndex: Number(e.detail.value), 'errors.community_id': '' });
      try {
        await this.loadBuildings();
      } catch (err) {
        // Shown by the API client.
      }
    },
    pickBuilding(e) {
      this.setData({ buildingIndex: Number(e.detail.value), 'errors.building_id': '' });
    },
    onInput(e) {
      const field = e.currentTarget.dataset.field;
      this.setData({ ['form.' + field]: e.detail.value, ['errors.' + field]: '' });
    },
    validate() {
      const errors = {};
      const f = this.data.form;
      if (this.data.communityIndex < 0) errors.community_id = '请选择社区';
      if (this.data.buildingIndex < 0) errors.building_id = '请选择楼栋';
      ['name', 'unit', 'room'].forEach((k) => {
        if (!String(f[k] || '').trim()) errors[k] = REQUIRED;
      });
      if (String(f.name || '').trim().length > 32) errors.name = '姓名太长';
      this.setData({ errors });
      return Object.keys(errors).length === 0;
    },
    async submit() {
      if (!this.validate()) {
        return;
      }
      const f = this.data.form;
      const body = {
        name: f.name.trim(),
        community_id: this.data.communities[this.data.communityIndex].id,
        building_id: this.data.buildings[this.data.buildingIndex].id,
        unit: f.unit.trim(),
        room: f.room.trim(),
      };
      this.setData({ saving: true });
      try {
        const user = await api.put('/me/profile', body, { loading: '保存中' });
        session.setUser(user);
        wx.showToast({ title: '已保存', icon: 'success' });
        wx.navigateBack({ fail: () => wx.switchTab({ url: '/pages/home/index' }) });
      } catch (err) {
        if (err.fields) {
          this.setData({ errors: err.fields });
        }
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
