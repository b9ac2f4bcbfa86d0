// 食堂: the week's menu by day, open to everyone before sign-up; booking asks for a person. A user
// who looks after someone picks for whom first, and the menu is that person's community's.
const pageBehavior = require('../../behaviors/page');
const api = require('../../utils/api');
const session = require('../../utils/session');
const community = require('../../utils/community');
const words = require('../../utils/canteen');

// decorate adds what the menu shows of a slot; one that cannot be booked says why (reason),
// beside a button that is plainly disabled.
function decorate(slot, now) {
  const open = !slot.closed && slot.remaining > 0 && Date.parse(slot.book_by) > now;
  let state = '可预订';
  let reason = '';
  if (slot.closed) {
    state = '停止供应';
    reason = '停止供应' + (slot.close_reason ? '：' + slot.close_reason : '');
  } else if (Date.parse(slot.book_by) <= now) {
    state = '已截止';
    reason = '已截止：' + words.clock(slot.book_by) + ' 后不能再预订';
  } else if (slot.remaining <= 0) {
    state = '已订满';
    reason = '已订满：这一餐的份数已经订完';
  }
  return Object.assign({}, slot, {
    mealName: words.MEALS[slot.meal],
    dishNames: slot.dishes.map((d) => d.name).join('、'),
    price: words.yuan(slot.price_fen),
    deadline: words.clock(slot.book_by),
    modeNames: slot.modes.map((m) => words.MODES[m]).join(' · '),
    open,
    state,
    reason,
  });
}

Component({
  behaviors: [pageBehavior],
  data: {
    loading: true,
    failed: false,
    communities: [],
    communityIndex: -1,
    persons: [],
    personIndex: -1,
    canteen: null,
    days: [],
    dayIndex: 0,
    isCounter: false,
    isRider: false,
  },
  methods: {
    onShow() {
      const u = session.user();
      const roles = (u && u.roles) || [];
      this.setData({
        isCounter: roles.some((r) => r.role === 'canteen_staff' || r.role === 'staff'),
        isRider: roles.some((r) => r.role === 'volunteer'),
      });
      // Again when the user now acts for someone else (picked on another page).
      const persons = this.data.persons;
      if (!this.data.canteen || (persons.length && community.chosenIndex(persons) !== this.data.personIndex)) {
        this.load();
      }
    },
    load() {
      return this.loadWith(async () => {
        const communityID = await community.browsed(this);
        await this.loadMenu(communityID);
      });
    },
    async loadMenu(communityID) {
      if (!communityID) {
        this.setData({ canteen: null, days: [] });
        return;
      }
      const canteens = await api.get('/canteens?community_id=' + communityID, { auth: false, silent: true });
      const canteen = canteens.items[0] || null;
      if (!canteen) {
        this.setData({ canteen: null, days: [] });
        return;
      }
      const res = await api.get('/canteens/' + canteen.id + '/slots', { auth: false, silent: true });
      const now = Date.now();
      const byDate = {};
      res.items.forEach((s) => {
        (byDate[s.date] = byDate[s.date] || []).push(decorate(s, now));
      });
      const days = Object.keys(byDate).sort().map((date) => ({ date, label: words.dayLabel(date), slots: byDate[date] }));
      this.setData({ canteen, days, dayIndex: 0 });
    },
    async pickCommunity(e) {
      this.setData({ communityIndex: Number(e.detail.value) });
      this.load();
    },
    // pickPerson shows the menu of the canteen where the person picked lives.
    pickPerson(e) {
      community.choose(this.data.persons[Number(e.detail.value)]);
      this.load();
    },
    pickDay(e) {
      this.setData({ dayIndex: Number(e.currentTarget.dataset.index) });
    },
    book(e) {
      const slot = this.data.days[this.data.dayIndex].slots[Number(e.currentTarget.dataset.index)];
      if (!slot.open) {
        return;
      }
      wx.setStorageSync('linli.bookingSlot', Object.assign({}, slot, {
        label: this.data.days[this.data.dayIndex].label,
        community_id: this.data.canteen.community_id,
      }));
      wx.navigateTo({ url: '/pages/canteen/book/index?slot_id=' + slot.id });
    },
    openOrders() {
      wx.navigateTo({ url: '/pages/canteen/orders/index' });
    },
    openCounter() {
      wx.navigateTo({ url: '/pages/canteen/counter/index?canteen_id=' + this.data.canteen.id });
    },
    openRider() {
      wx.navigateTo({ url: '/pages/canteen/rider/index' });
    },
  },
});
