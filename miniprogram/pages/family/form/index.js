// Add a family member (an elder), or edit a person the user acts for (?id=). The elder may live
// in any community, the user's or another. Adding asks consent for the meal notices first (the
// user will book for the elder and should hear of a delivery nobody answered). ?kind=child is
// the form for a child (for the parent university's children's courses): no living alone, care
// level or emergency contact, and the address starts as the user's own. ?pick=1 comes from a
// booking or course page's "+ 添加家人": the person added becomes the one the user acts for, so
// that page shows them picked on return.
const pageBehavior = require('../../../behaviors/page');
const api = require('../../../utils/api');
const subscribe = require('../../../utils/subscribe');
const community = require('../../../utils/community');
const labels = require('../../../utils/person');

// The relations a child can be to the user.
const CHILD_RELATIONS = labels.RELATIONS.filter((r) => r.value === 'child' || r.value === 'grandchild');

// safety_alert is asked with it once the server names that template (API.md: the rider's "no
// answer" may move to it); until then it is skipped, having no template id.
const CONSENT = ['meal_notice', 'safety_alert'];

const REQUIRED = '必填';
// Someone else's ID card and health details are sensitive personal data (个人信息保护法): the
// relative confirms, on its own, that the person agreed (the server notes it in the audit trail).
const CONSENT_MISSING = '请先勾选“我已获得TA的同意”';
const CONSENT_REFUSED = '身份证号和健康状况（独居、身体状况、饮食）属于敏感个人信息，需要TA本人（或TA的监护人）同意后才能代为填写。征得同意后，请勾选表单上方的“我已获得TA的同意”再提交。';
const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-?\d{7,8}$/;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

// idCardProblem says what is wrong with an 18-character ID card number ('' when nothing), as
// the server checks it, so the user hears of a typo at once.
function idCardProblem(id) {
  if (id.length !== 18) return '身份证号应为 18 位';
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号格式不正确';
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(id[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11] === id[17] ? '' : '身份证号校验位不正确，请核对';
}

function validPhone(p) {
  return MOBILE.test(p) || LANDLINE.test(p);
}

function todayString() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  return d.toISOString().slice(0, 10);
}

// The server names nested fields like emergency_contacts[0].phone; the form has one contact.
const SERVER_FIELDS = {
  'emergency_contacts[0].name': 'contact_name',
  'emergency_contacts[0].phone': 'contact_phone',
  'emergency_contacts[0].relation': 'contact_relation',
  emergency_contacts: 'contact_name',
};

function formErrors(fields) {
  const out = {};
  Object.keys(fields || {}).forEach((k) => {
    out[SERVER_FIELDS[k] || k] = fields[k];
  });
  return out;
}

const emptyForm = {
  name: '', birth_date: '', id_card: '', phone: '', unit: '', room: '', living_alone: false, diet_notes: '',
  contact_name: '', contact_phone: '', contact_relation: '',
};

Component({
  behaviors: [pageBehavior],
  data: {
    id: 0,
    child: false,
    pick: false,
    own: false,
    loading: true,
    failed: false,
    saving: false,
    today: todayString(),
    genders: labels.GENDERS,
    careLevels: labels.CARE_LEVELS,
    relations: labels.RELATIONS,
    communities: [],
    communityIndex: -1,
    buildings: [],
    buildingIndex: -1,
    genderIndex: -1,
    careIndex: -1,
    relationIndex: -1,
    form: Object.assign({}, emptyForm),
    contacts: [],
    consentNote: '',
    agreed: false,
    errors: {},
  },
  methods: {
    onLoad(query) {
      const id = Number((query && query.id) || 0);
      const child = !id && !!query && query.kind === 'child';
      this.setData({ id, child, pick: !!query && query.pick === '1', relations: child ? CHILD_RELATIONS : labels.RELATIONS });
      wx.setNavigationBarTitle({ title: id ? '修改资料' : child ? '添加孩子' : '添加家人' });
      this.load();
    },
    load() {
      if (!this.data.id) {
        subscribe.load().then(() => this.setData({ consentNote: subscribe.note(CONSENT, 'family') }));
      }
      return this.loadWith(async () => {
        if (this.data.id) {
          await this.loadPerson();
        } else {
          const res = await api.get('/communities?limit=100', { auth: false, silent: true });
          this.setData({ communities: res.items });
          if (this.data.child) {
            await this.startAtHome();
          }
        }
      });
    },
    // startAtHome fills a child's address with the user's own: a child mostly lives with them.
    async startAtHome() {
      const persons = await api.get('/persons', { silent: true });
      const own = persons.items.find((p) => p.guardianship === 'self');
      const communityIndex = own ? this.data.communities.findIndex((c) => c.id === own.community_id) : -1;
      if (communityIndex < 0) return;
      const res = await api.get('/communities/' + own.community_id + '/buildings?limit=100', { auth: false, silent: true });
      this.setData({
        communityIndex,
        buildings: res.items,
        buildingIndex: res.items.findIndex((b) => b.id === own.building_id),
        'form.unit': own.unit || '',
        'form.room': own.room || '',
      });
    },
    async loadPerson() {
      const p = await api.get('/persons/' + this.data.id, { silent: true });
      const res = await api.get('/communities/' + p.community_id + '/buildings?limit=100', { auth: false, silent: true });
      const contact = p.emergency_contacts[0] || {};
      this.setData({
        own: p.guardianship === 'self',
        buildings: res.items,
        buildingIndex: res.items.findIndex((b) => b.id === p.building_id),
        genderIndex: labels.GENDERS.findIndex((g) => g.value === p.gender),
        careIndex: labels.CARE_LEVELS.findIndex((c) => c.value === p.care_level),
        contacts: p.emergency_contacts,
        // Masked numbers are not put back in the form: left empty, they stay as they are.
        form: Object.assign({}, emptyForm, {
          name: p.name, birth_date: p.birth_date || '', unit: p.unit, room: p.room, living_alone: p.living_alone,
          diet_notes: p.diet_notes, contact_name: contact.name || '', contact_relation: contact.relation || '',
        }),
        maskedIDCard: p.id_card || '',
        maskedPhone: p.phone || '',
        maskedContactPhone: contact.phone || '',
      });
      this.before = this.health();
    },
    // health is what consent covers besides the ID card, as the form holds it.
    health() {
      const f = this.data.form;
      return [!!f.living_alone, this.data.careIndex, String(f.diet_notes || '').trim()].join('|');
    },
    // needsConsent: registering someone, or changing someone else's ID card or health details.
    needsConsent() {
      if (this.data.own) return false;
      if (!this.data.id) return true;
      return !!String(this.data.form.id_card || '').trim() || this.health() !== this.before;
    },
    toggleConsent() {
      this.setData({ agreed: !this.data.agreed, 'errors.consent': '' });
    },
    openPolicy() {
      wx.navigateTo({ url: '/pages/privacy/index' });
    },
    async pickCommunity(e) {
      this.setData({ communityIndex: Number(e.detail.value), buildingIndex: -1, 'errors.building_id': '' });
      const c = this.data.communities[this.data.communityIndex];
      try {
        const res = await api.get('/communities/' + c.id + '/buildings?limit=100', { auth: false });
        this.setData({ buildings: res.items });
      } catch (err) {
        // Shown by the API client.
      }
    },
    pick(e) {
      const key = e.currentTarget.dataset.key;
      const field = e.currentTarget.dataset.field;
      this.setData({ [key]: Number(e.detail.value), ['errors.' + field]: '' });
    },
    pickDate(e) {
      this.setData({ 'form.birth_date': e.detail.value, 'errors.birth_date': '' });
    },
    onInput(e) {
      const field = e.currentTarget.dataset.field;
      this.setData({ ['form.' + field]: e.detail.value, ['errors.' + field]: '' });
    },
    onSwitch(e) {
      this.setData({ 'form.living_alone': !!e.detail.value });
    },
    validate() {
      const f = this.data.form;
      const errors = {};
      const adding = !this.data.id;
      const text = (k) => String(f[k] || '').trim();
      ['name', 'unit', 'room'].forEach((k) => {
        if (!text(k)) errors[k] = REQUIRED;
      });
      if (text('name').length > 32) errors.name = '姓名太长';
      if (adding && this.data.communityIndex < 0) errors.community_id = '请选择社区';
      if (this.data.buildingIndex < 0) errors.building_id = '请选择楼栋';
      if (adding && this.data.relationIndex < 0) errors.relation = '请选择TA是您的什么人';
      if (this.data.careIndex < 0 && !this.data.child) errors.care_level = '请选择';
      const idCard = text('id_card').toUpperCase();
      if (idCard && idCardProblem(idCard)) errors.id_card = idCardProblem(idCard);
      if (!this.data.own && !idCard && !this.data.maskedIDCard) {
        if (this.data.genderIndex < 0) errors.gender = '请选择';
        if (!f.birth_date) errors.birth_date = REQUIRED;
      }
      if (f.birth_date && f.birth_date > this.data.today) errors.birth_date = '出生日期不能晚于今天';
      if (text('phone') && !validPhone(text('phone'))) errors.phone = '请填写 11 位手机号或带区号的固定电话';
      if (text('diet_notes').length > 200) errors.diet_notes = '最多 200 字';
      if (text('contact_phone') && !validPhone(text('contact_phone'))) errors.contact_phone = '电话号码不正确';
      if (text('contact_phone') && !text('contact_name')) errors.contact_name = '请填写联系人姓名';
      if (text('contact_name') && !text('contact_phone') && !this.data.maskedContactPhone) errors.contact_phone = REQUIRED;
      if (!this.data.agreed && this.needsConsent()) errors.consent = CONSENT_MISSING;
      this.setData({ errors });
      return Object.keys(errors).length === 0;
    },
    body() {
      const f = this.data.form;
      const t = (k) => String(f[k] || '').trim();
      const body = {
        name: t('name'),
        building_id: this.data.buildings[this.data.buildingIndex].id,
        unit: t('unit'),
        room: t('room'),
        // A child neither lives alone nor needs care the register records.
        living_alone: !this.data.child && !!f.living_alone,
        care_level: this.data.child ? 'self_care' : labels.CARE_LEVELS[this.data.careIndex].value,
        diet_notes: t('diet_notes'),
      };
      if (this.data.genderIndex >= 0) body.gender = labels.GENDERS[this.data.genderIndex].value;
      if (f.birth_date) body.birth_date = f.birth_date;
      if (t('id_card')) body.id_card = t('id_card').toUpperCase();
      if (t('phone')) body.phone = t('phone');
      const contacts = this.data.contacts.slice(1);
      if (t('contact_name') && t('contact_phone')) {
        body.emergency_contacts = [{ name: t('contact_name'), phone: t('contact_phone'), relation: t('contact_relation') }].concat(contacts);
      } else if (!this.data.id) {
        body.emergency_contacts = [];
      }
      if (!this.data.id) {
        body.relation = this.data.relations[this.data.relationIndex].value;
      }
      if (this.needsConsent()) {
        body.consent = true;
      }
      return body;
    },
    async submit() {
      if (!this.validate()) {
        if (this.data.errors.consent) {
          wx.showModal({ title: '需要先征得TA的同意', content: CONSENT_REFUSED, showCancel: false, confirmText: '知道了' });
        } else {
          wx.showToast({ title: '请按提示修改', icon: 'none' });
        }
        return;
      }
      // First, before any wait: WeChat takes a consent request only straight from the tap.
      const consent = this.data.id ? null : subscribe.ask(CONSENT);
      const body = this.body();
      this.setData({ saving: true });
      try {
        await consent;
        if (this.data.id) {
          await api.patch('/persons/' + this.data.id, body, { loading: '保存中', silent: true });
          wx.showToast({ title: '已保存', icon: 'success' });
        } else {
          const added = await api.post('/persons', body, { loading: '提交中', silent: true });
          if (this.data.pick) {
            community.choose(added);
          }
          wx.showToast({ title: '已提交，等待社区审核', icon: 'none', duration: 2500 });
        }
        wx.navigateBack();
      } catch (err) {
        this.showFailure(err);
      } finally {
        this.setData({ saving: false });
      }
    },
    showFailure(err) {
      if (err.code === 'person_exists') {
        this.onExists(err);
        return;
      }
      if (err.fields && Object.keys(err.fields).length > 0) {
        this.setData({ errors: formErrors(err.fields) });
      }
      wx.showToast({ title: err.message, icon: 'none', duration: 2500 });
    },
    // The ID card is on file already, in a record the user may see (they guard it, or registered
    // it before): the server names it, and the page offers to open it. To anyone else the server
    // answers as for a new ID card (the registration waits for staff like any other), so a
    // person_exists naming no record is only shown as it comes: read and go back, or, editing,
    // marked on the ID card.
    onExists(err) {
      const personID = err.detail && err.detail.person_id;
      if (personID) {
        wx.showModal({
          title: '该居民已登记',
          content: err.message + '，您已可为TA代办。',
          confirmText: '查看',
          success: (res) => {
            if (res.confirm) {
              wx.redirectTo({ url: '/pages/family/detail/index?id=' + personID });
            }
          },
        });
        return;
      }
      if (this.data.id) {
        this.setData({ 'errors.id_card': '该身份证号已在本社区登记' });
        wx.showToast({ title: err.message, icon: 'none', duration: 2500 });
        return;
      }
      wx.showModal({
        title: '该居民已登记',
        content: err.message,
        showCancel: false,
        confirmText: '知道了',
        success: () => wx.navigateBack(),
      });
    },
  },
});
