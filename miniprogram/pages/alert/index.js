// 安危确认: a rider found nobody answering an elder's door. Everyone it concerns (the elder's
// family, the building's grid worker, staff) opens this page from the message or the push: who,
// where and what happened, buttons to call the elder and the grid worker, and the two answers,
// "已联系上，平安" (closes the alert for everyone) and "我去看看". Its steps show who did what.
const pageBehavior = require('../../behaviors/page');
const api = require('../../utils/api');
const denied = require('../../utils/denied');
const session = require('../../utils/session');
const words = require('../../utils/alert');

// ask shows a WeChat modal and resolves its answer ({confirm, content}); a failure is a cancel.
function ask(opts) {
  return new Promise((resolve) => {
    wx.showModal(Object.assign({}, opts, {
      success: (res) => resolve(res || {}),
      fail: () => resolve({ confirm: false }),
    }));
  });
}

Component({
  behaviors: [pageBehavior],
  data: {
    id: 0,
    loading: true,
    failed: false,
    problem: '',
    alert: null,
    me: 0,
    busy: '',
  },
  methods: {
    onLoad(query) {
      this.setData({ id: Number((query && query.id) || 0) });
    },
    onShow() {
      // Again on each return (from a phone call, say): someone else may have answered meanwhile.
      this.load();
    },
    async onPullDownRefresh() {
      try {
        await this.load();
      } finally {
        wx.stopPullDownRefresh();
      }
    },
    // show puts an alert on the page. An answer to acknowledge may come without the numbers to
    // call; while the alert is not closed the ones already read are kept. A closed alert has
    // nobody left to call: its numbers go (the server no longer gives them either).
    show(a) {
      const old = this.data.alert;
      const closed = a.status === 'closed';
      const full = Object.assign({}, a, {
        person_phone: closed ? null : a.person_phone || (old && old.person_phone) || null,
        worker: closed ? null : a.worker || (old && old.worker) || null,
      });
      const user = session.user();
      const me = user ? user.id : 0;
      const alert = words.decorate(full, me);
      alert.callWorker = !!(alert.worker && alert.worker.phone && alert.worker.user_id !== me);
      alert.callElder = !!(alert.person_phone && !alert.isElder);
      this.setData({ me, alert });
    },
    async fetch() {
      if (!this.data.id) {
        throw new api.ApiError(404, 'not_found', '');
      }
      const a = await api.get('/alerts/' + this.data.id, { silent: true });
      this.show(a);
    },
    // load reads the alert: the first time with the loading and failed states; once it is on the
    // page, a failed refresh keeps it there and says so.
    async load() {
      if (!this.data.alert) {
        this.setData({ problem: '' });
        return this.loadWith(async () => {
          try {
            await this.fetch();
          } catch (err) {
            this.setData({ problem: words.problem(err) });
            throw err;
          }
        });
      }
      try {
        await this.fetch();
        return true;
      } catch (err) {
        wx.showToast({ title: '刷新没有成功，请稍后再试', icon: 'none', duration: 2500 });
        return false;
      }
    },
    call(e) {
      const phone = e.currentTarget.dataset.phone;
      if (phone) {
        denied.call(phone);
      }
    },
    async safe() {
      if (this.data.busy || !this.data.alert || !this.data.alert.live) return;
      const elder = this.data.alert.isElder;
      const res = await ask({
        title: elder ? '告诉家人您平安？' : '已联系上，平安？',
        editable: true,
        placeholderText: '选填：说一句情况，如已通电话、在家休息',
        confirmText: '确认平安',
        cancelText: '再想想',
      });
      if (!res.confirm) return;
      const note = String(res.content || '').trim().slice(0, words.NOTE_MAX);
      await this.answer(note ? { outcome: 'safe', note } : { outcome: 'safe' }, '已告诉大家：平安');
    },
    going() {
      if (this.data.busy || !this.data.alert || !this.data.alert.live) return undefined;
      return this.answer({ outcome: 'going' }, '已告诉大家您正在上门');
    },
    async answer(body, done) {
      this.setData({ busy: body.outcome });
      try {
        const a = await api.post('/alerts/' + this.data.id + '/acknowledge', body, { silent: true, loading: '提交中' });
        this.show(a);
        wx.showToast({ title: done, icon: 'none', duration: 2000 });
      } catch (err) {
        if (err.code === 'alert_closed') {
          // Someone else confirmed first: show who and when.
          wx.showToast({ title: '已有人确认平安', icon: 'none', duration: 2000 });
          await this.load();
        } else {
          wx.showToast({ title: err.message || '没有提交成功，请稍后再试', icon: 'none', duration: 2500 });
        }
      } finally {
        this.setData({ busy: '' });
      }
    },
    // A grid worker sent by the escalation finds the visit among their tasks.
    openTasks() {
      wx.navigateTo({ url: '/pages/report/task/index' });
    },
  },
});
