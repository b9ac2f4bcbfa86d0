// 食堂: the week's menu by day, open to everyone before sign-up; booking asks for a person. A user
// who looks after someone picks for whom first, and the menu is that person's community's; a
// visitor sees the community they chose (asked first). The menu and its seats are read again each
// time the page shows and when pulled down; a menu can be shared, and opens on the sharer's
// community (?community_id=).
const pageBehavior = require('../../behaviors/page');
const refreshBehavior = require('../../behaviors/refresh');
const browsing = require('../../behaviors/browsing');
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
  behaviors: [pageBehavior, refreshBehavior, browsing],
  data: {
    loading: true,
    failed: false,
    shared: 0,
    canteen: null,
    days: [],
    dayIndex: 0,
    isCounter: false,
    isRider: false,
  },
  methods: {
    onLoad(query) {
      this.setData({ shared: Number((query && query.community_id) || 0) });
    },
    onShow() {
      const u = session.user();
      const roles = (u && u.roles) || [];
      this.setData({
        isCounter: roles.some((r) => r.role === 'canteen_staff' || r.role === 'staff'),
        // Staff may ride too.
        isRider: roles.some((r) => r.role === 'volunteer' || r.role === 'staff'),
      });
      // Whom the user acts for, the community, a person just added, the seats left: all may
      // have changed on another page.
      this.refresh();
    },
    load() {
      return this.again(async () => {
        const own = await community.browsed(this);
        await this.loadMenu(this.data.shared || own);
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
      // Coming back to the same menu keeps the day that was shown.
      const was = this.data.canteen && this.data.canteen.id === canteen.id && this.data.days[this.data.dayIndex];
      const dayIndex = was ? Math.max(0, days.findIndex((d) => d.date === was.date)) : 0;
      this.setData({ canteen, days, dayIndex });
    },
    // leaveShared goes from the menu a relative shared back to the user's own community's.
    leaveShared() {
      this.setData({ shared: 0 });
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
        canteen_name: this.data.canteen.name,
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
    // A relative forwards the week's menu; it opens on this canteen's community.
    onShareAppMessage() {
      const c = this.data.canteen;
      if (!c) {
        return { title: '邻里食堂：看菜单、替家人订餐', path: '/pages/canteen/index' };
      }
      return { title: c.name + '本周菜单，可替家人订餐', path: '/pages/canteen/index?community_id=' + c.community_id };
    },
  },
});
