// The report form: what (category, words, photos), where (building and unit), how urgent, for
// whom, and whether to stay anonymous to the worker. Consent for the update message is asked
// right before submitting.
const pageBehavior = require('../../../behaviors/page');
const api = require('../../../utils/api');
const session = require('../../../utils/session');
const subscribe = require('../../../utils/subscribe');
const labels = require('../../../utils/person');

const MAX_PHOTOS = 9;
const MAX_WORDS = 500;

Component({
  behaviors: [pageBehavior],
  data: {
    loading: true,
    failed: false,
    saving: false,
    categories: [],
    categoryIndex: -1,
    buildings: [],
    buildingIndex: -1,
    persons: [],
    personIndex: 0,
    description: '',
    unit: '',
    urgent: false,
    anonymous: false,
    photos: [],
    uploading: false,
    errors: {},
  },
  methods: {
    onLoad() {
      this.load();
    },
    load() {
      return this.loadWith(async () => {
        const u = session.user();
        const [cats, buildings, persons] = await Promise.all([
          api.get('/report-categories', { silent: true }),
          api.get('/communities/' + u.community_id + '/buildings?limit=100', { auth: false, silent: true }),
          api.get('/persons', { silent: true }),
        ]);
        this.setData({
          categories: cats.items,
          buildings: buildings.items,
          persons: persons.items.map((p) => Object.assign({}, p, {
            label: p.guardianship === 'self' ? '我自己' : p.name + '（' + (labels.labelOf(labels.RELATIONS, p.relation) || '家人') + '）',
          })),
        });
      });
    },
    pickCategory(e) {
      const categoryIndex = Number(e.detail.value);
      this.setData({ categoryIndex, 'errors.category': '' });
      if (this.data.categories[categoryIndex].level === 'urgent') {
        this.warnUrgent();
      }
    },
    pickBuilding(e) {
      this.setData({ buildingIndex: Number(e.detail.value), 'errors.building_id': '' });
    },
    pickPerson(e) {
      this.setData({ personIndex: Number(e.detail.value) });
    },
    onInput(e) {
      const field = e.currentTarget.dataset.field;
      this.setData({ [field]: e.detail.value, ['errors.' + field]: '' });
    },
    onSwitch(e) {
      const field = e.currentTarget.dataset.field;
      const on = !!e.detail.value;
      this.setData({ [field]: on });
      if (field === 'urgent' && on) {
        this.warnUrgent();
      }
    },
    // Before anything urgent: a life in danger needs 110 or 120, not a report.
    warnUrgent() {
      wx.showModal({
        title: '紧急情况',
        content: '如有生命危险或火情，请立即拨打 110 / 120 / 119。报事会同时通知社区所有工作人员。',
        confirmText: '拨打 120',
        cancelText: '继续报事',
        success: (res) => {
          if (res.confirm) {
            wx.makePhoneCall({ phoneNumber: '120' });
          }
        },
      });
    },
    choosePhotos() {
      const left = MAX_PHOTOS - this.data.photos.length;
      if (left <= 0) return;
      wx.chooseMedia({
        count: left,
        mediaType: ['image'],
        sizeType: ['compressed'],
        success: async (res) => {
          this.setData({ uploading: true });
          try {
            for (const f of res.tempFiles) {
              const up = await api.upload(f.tempFilePath);
              this.setData({ photos: this.data.photos.concat([{ id: up.id, url: up.url }]) });
            }
          } catch (err) {
            // Shown by the API client; the photos already sent stay.
          } finally {
            this.setData({ uploading: false });
          }
        },
      });
    },
    removePhoto(e) {
      const id = Number(e.currentTarget.dataset.id);
      this.setData({ photos: this.data.photos.filter((p) => p.id !== id) });
    },
    validate() {
      const errors = {};
      const text = String(this.data.description || '').trim();
      if (this.data.categoryIndex < 0) errors.category = '请选择类别';
      if (!text) errors.description = '请说说是什么问题';
      if (text.length > MAX_WORDS) errors.description = '最多 500 字';
      if (this.data.buildingIndex < 0) errors.building_id = '请选择楼栋';
      this.setData({ errors });
      return Object.keys(errors).length === 0;
    },
    async submit() {
      if (!this.validate() || this.data.uploading) {
        return;
      }
      const person = this.data.persons[this.data.personIndex];
      const body = {
        category: this.data.categories[this.data.categoryIndex].key,
        description: this.data.description.trim(),
        building_id: this.data.buildings[this.data.buildingIndex].id,
        unit: String(this.data.unit || '').trim(),
        urgency: this.data.urgent ? 'urgent' : 'normal',
        photo_ids: this.data.photos.map((p) => p.id),
        anonymous: this.data.anonymous,
      };
      if (person && person.guardianship !== 'self') {
        body.person_id = person.id;
      }
      this.setData({ saving: true });
      await subscribe.ask(['report_updated']);
      try {
        const r = await api.post('/reports', body, { loading: '提交中' });
        wx.showToast({ title: '已提交，小哥马上来', icon: 'none', duration: 2500 });
        wx.redirectTo({ url: '/pages/report/detail/index?id=' + r.id });
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
