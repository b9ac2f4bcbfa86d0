// Book a meal: for oneself or a family member living where the canteen is, with the price
// breakdown and how to pay before confirming. The tap asks consent for the meal notices first
// (delivery outcome, slot closed, safety alert), then books whatever the answer. The persons are
// read again when the page shows: coming back from filling in the address, or from "+ 添加家人"
// (the family member just added is picked).
const pageBehavior = require('../../../behaviors/page');
const refreshBehavior = require('../../../behaviors/refresh');
const api = require('../../../utils/api');
const community = require('../../../utils/community');
const subscribe = require('../../../utils/subscribe');
const labels = require('../../../utils/person');
const words = require('../../../utils/canteen');

// safety_alert is asked with it once the server names that template (API.md: the rider's "no
// answer" may move to it); until then it is skipped, having no template id.
const CONSENT = ['meal_notice', 'safety_alert'];

Component({
  behaviors: [pageBehavior, refreshBehavior],
  data: {
    loading: true,
    failed: false,
    saving: false,
    slot: null,
    persons: [],
    personIndex: -1,
    elsewhere: false,
    consentNote: '',
    modes: [],
    modeIndex: 0,
    note: '',
    quote: null,
    quoting: false,
    payWay: '',
  },
  methods: {
    onLoad() {
      const slot = wx.getStorageSync('linli.bookingSlot');
      if (!slot) {
        wx.showToast({ title: '请从菜单选择餐次', icon: 'none' });
        wx.navigateBack();
        return;
      }
      this.setData({
        slot,
        modes: slot.modes.map((m) => ({ value: m, label: words.MODES[m] })),
      });
    },
    onShow() {
      if (this.data.slot) {
        this.refresh();
      }
    },
    async load() {
      subscribe.load().then(() => this.showConsent());
      const ok = await this.again(async () => {
        const res = await api.get('/persons', { silent: true });
        // Only those who live where the canteen is can eat there.
        const persons = community.within(labels.pickable(res.items), this.data.slot.community_id);
        this.setData({
          persons,
          personIndex: persons.length ? community.chosenIndex(persons) : -1,
          elsewhere: res.items.length > 0 && persons.length === 0,
        });
      });
      if (ok && this.data.persons.length) {
        await this.loadQuote();
      }
    },
    async loadQuote() {
      const p = this.data.persons[this.data.personIndex];
      if (!p) return;
      this.setData({ quoting: true });
      try {
        const q = await api.get('/meal-quote?slot_id=' + this.data.slot.id + '&person_id=' + p.id, { silent: true });
        this.setData({
          quote: Object.assign({}, q, { price: words.yuan(q.price_fen), subsidy: words.yuan(q.subsidy_fen), pay: words.yuan(q.pay_fen) }),
        });
      } catch (e) {
        this.setData({ quote: null });
      } finally {
        this.setData({ quoting: false });
        this.showPayWay();
      }
    },
    // showPayWay says how and where the meal will be paid, for the mode picked.
    showPayWay() {
      const q = this.data.quote;
      const mode = this.data.modes[this.data.modeIndex];
      this.setData({ payWay: q && mode ? words.payWay({ mode: mode.value, pay_fen: q.pay_fen, canteen_name: this.data.slot.canteen_name }) : '' });
    },
    showConsent() {
      this.setData({ consentNote: subscribe.note(CONSENT, 'book') });
    },
    pickPerson(e) {
      this.setData({ personIndex: Number(e.detail.value) });
      community.choose(this.data.persons[this.data.personIndex]);
      this.loadQuote();
    },
    pickMode(e) {
      this.setData({ modeIndex: Number(e.detail.value) });
      this.showPayWay();
    },
    onNote(e) {
      this.setData({ note: e.detail.value });
    },
    fillProfile() {
      wx.navigateTo({ url: '/pages/onboarding/index' });
    },
    // addFamily registers a family member and comes back here with them picked.
    addFamily() {
      wx.navigateTo({ url: '/pages/family/form/index?pick=1' });
    },
    backToMenu() {
      wx.navigateBack();
    },
    async submit() {
      const p = this.data.persons[this.data.personIndex];
      if (!p) {
        wx.showToast({ title: '请选择为谁订餐', icon: 'none' });
        return;
      }
      const note = String(this.data.note || '').trim();
      if (note.length > 200) {
        wx.showToast({ title: '备注最多 200 字', icon: 'none' });
        return;
      }
      // First, before any wait: WeChat takes a consent request only straight from the tap.
      const consent = subscribe.ask(CONSENT);
      const body = { slot_id: this.data.slot.id, person_id: p.id, mode: this.data.modes[this.data.modeIndex].value, note };
      this.setData({ saving: true });
      try {
        await consent;
        const order = await api.post('/meal-orders', body, { loading: '预订中' });
        wx.removeStorageSync('linli.bookingSlot');
        wx.showToast({ title: '预订成功', icon: 'success' });
        wx.redirectTo({ url: '/pages/canteen/orders/index?highlight=' + order.id });
      } catch (err) {
        // The server's message is shown; a full or closed slot sends the user back to the menu.
        if (err.code === 'slot_full' || err.code === 'booking_closed') {
          wx.navigateBack();
        }
        this.showConsent();
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
