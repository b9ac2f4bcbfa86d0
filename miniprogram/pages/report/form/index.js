// The report form: what (category, words, photos), where (the building and unit, starting from
// where the person lives; or instead a point picked on the map, for roads, parks and markets), how
// urgent, for whom, and whether to stay anonymous to the worker. For a family member, the
// buildings and categories are those of the member's community, wherever the user lives. The
// persons are read again when the page shows. The submit tap asks consent for the progress
// message first, then submits whatever the answer.
const pageBehavior = require('../../../behaviors/page');
const refreshBehavior = require('../../../behaviors/refresh');
const api = require('../../../utils/api');
const denied = require('../../../utils/denied');
const session = require('../../../utils/session');
const subscribe = require('../../../utils/subscribe');
const community = require('../../../utils/community');
const labels = require('../../../utils/person');

const MAX_PHOTOS = 9;
const MAX_WORDS = 500;
// The API's longest location_text.
const MAX_PLACE = 64;
const CONSENT = ['report_updated'];

function label(p) {
  return Object.assign({}, p, {
    label: p.guardianship === 'self' ? '我自己' : p.name + '（' + (labels.labelOf(labels.RELATIONS, p.relation) || '家人') + '）',
  });
}

Component({
  behaviors: [pageBehavior, refreshBehavior],
  data: {
    loading: true,
    failed: false,
    saving: false,
    categories: [],
    categoryIndex: -1,
    buildings: [],
    buildingIndex: -1,
    communityID: 0,
    persons: [],
    personIndex: 0,
    showPerson: false,
    description: '',
    unit: '',
    location: null,
    urgent: false,
    anonymous: false,
    photos: [],
    uploading: false,
    consentNote: '',
    errors: {},
  },
  methods: {
    onShow() {
      this.refresh();
    },
    load() {
      subscribe.load().then(() => this.showConsent());
      return this.again(async () => {
        const res = await api.get('/persons', { silent: true });
        const persons = res.items.map(label);
        this.setData({
          persons,
          personIndex: persons.length ? community.chosenIndex(persons) : 0,
          showPerson: community.others(persons),
        });
        await this.loadPlace();
      });
    },
    // loadPlace reads the categories and buildings of the community of the person reported for.
    async loadPlace() {
      const person = this.data.persons[this.data.personIndex];
      const cid = community.communityOf(person, session.user());
      if (cid === this.data.communityID) {
        return;
      }
      const [cats, buildings] = await Promise.all([
        api.get('/report-categories?community_id=' + cid, { silent: true }),
        api.get('/communities/' + cid + '/buildings?limit=100', { auth: false, silent: true }),
      ]);
      const picked = this.data.categories[this.data.categoryIndex];
      // Where the person lives, to start with.
      const home = person && person.building_id ? buildings.items.findIndex((b) => b.id === person.building_id) : -1;
      this.setData({
        communityID: cid,
        categories: cats.items,
        categoryIndex: picked ? cats.items.findIndex((c) => c.key === picked.key) : -1,
        buildings: buildings.items,
        buildingIndex: home,
        unit: home >= 0 ? person.unit || '' : '',
        'errors.building_id': '',
      });
    },
    // chooseLocation picks a point on the map, for what is not in a building (a road, a park, a
    // market); the name of the place is sent with it. Cancelling changes nothing; a refusal is
    // explained.
    chooseLocation() {
      const at = this.data.location;
      wx.chooseLocation(Object.assign(at ? { latitude: at.lat, longitude: at.lng } : {}, {
        success: (res) => {
          const text = String(res.name || res.address || '').trim().slice(0, MAX_PLACE);
          // The point is the place: the report no longer names a building.
          this.setData({
            location: { lat: res.latitude, lng: res.longitude, text: text || '地图上选的位置' },
            buildingIndex: -1,
            unit: '',
            'errors.building_id': '',
          });
        },
        fail: (err) => denied.explain('location', err, '可以改为选择楼栋，或在问题描述里写清位置。'),
      }));
    },
    clearLocation() {
      this.setData({ location: null });
    },
    showConsent() {
      this.setData({ consentNote: subscribe.note(CONSENT, 'report') });
    },
    pickCategory(e) {
      const categoryIndex = Number(e.detail.value);
      this.setData({ categoryIndex, 'errors.category': '' });
      if (this.data.categories[categoryIndex].level === 'urgent') {
        this.warnUrgent();
      }
    },
    // pickBuilding places the report in a building, instead of a point on the map.
    pickBuilding(e) {
      this.setData({ buildingIndex: Number(e.detail.value), location: null, 'errors.building_id': '' });
    },
    async pickPerson(e) {
      this.setData({ personIndex: Number(e.detail.value) });
      community.choose(this.data.persons[this.data.personIndex]);
      try {
        await this.loadPlace();
      } catch (err) {
        wx.showToast({ title: err.message, icon: 'none', duration: 2500 });
      }
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
            denied.call('120');
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
        fail: (err) => denied.explain('photo', err, '不加照片也可以提交。'),
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
      if (this.data.buildingIndex < 0 && !this.data.location) errors.building_id = '请选择楼栋，或在地图上选位置';
      this.setData({ errors });
      return Object.keys(errors).length === 0;
    },
    async submit() {
      if (!this.validate() || this.data.uploading) {
        return;
      }
      // First, before any wait: WeChat takes a consent request only straight from the tap.
      const consent = subscribe.ask(CONSENT);
      const person = this.data.persons[this.data.personIndex];
      const body = {
        category: this.data.categories[this.data.categoryIndex].key,
        description: this.data.description.trim(),
        urgency: this.data.urgent ? 'urgent' : 'normal',
        photo_ids: this.data.photos.map((p) => p.id),
        anonymous: this.data.anonymous,
      };
      // A building routes the report to its grid worker; a map point alone goes to staff.
      if (this.data.buildingIndex >= 0) {
        body.building_id = this.data.buildings[this.data.buildingIndex].id;
        body.unit = String(this.data.unit || '').trim();
      }
      const at = this.data.location;
      if (at) {
        Object.assign(body, { lat: at.lat, lng: at.lng, location_text: at.text });
      }
      if (person && person.guardianship !== 'self') {
        body.person_id = person.id;
      }
      this.setData({ saving: true });
      try {
        await consent;
        const r = await api.post('/reports', body, { loading: '提交中' });
        wx.showToast({ title: '已提交，小哥马上来', icon: 'none', duration: 2500 });
        wx.redirectTo({ url: '/pages/report/detail/index?id=' + r.id });
      } catch (err) {
        if (err.fields) {
          this.setData({ errors: err.fields });
        }
        this.showConsent();
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
