// 我的任务 (grid workers, volunteers, staff): reports assigned to me by status, and for
// volunteers the minor ones anyone may claim; accept, claim, resolve with a note and photos, or
// return to the community with a reason. The "接收派单提醒" switch shows whether WeChat will tell
// the worker of a new task, and turning it on asks consent; each 接单 asks again while a
// one-time consent runs low.
const pageBehavior = require('../../../behaviors/page');
const paged = require('../../../behaviors/paged');
const api = require('../../../utils/api');
const denied = require('../../../utils/denied');
const session = require('../../../utils/session');
const subscribe = require('../../../utils/subscribe');
const words = require('../../../utils/report');

const CONSENT = ['report_assigned'];
// Long-term consents are turned on by the switch, not asked for on each 接单.
const ON_ACCEPT = { longTerm: false };
const TURN_OFF = '派单提醒要在微信里关闭：点右上角“…” → 设置 → 通知管理。关闭后，新派单仍会显示在“我的任务”里。';

const TABS = [
  { key: 'assigned', label: '待接单' },
  { key: 'accepted', label: '处理中' },
  { key: 'resolved', label: '已处理' },
  { key: 'open', label: '可认领' },
];

function decorate(r) {
  return Object.assign({}, r, {
    statusName: words.STATUSES[r.status] || r.status,
    levelName: words.LEVELS[r.level],
    place: [r.building_name, r.unit, r.location_text].filter(Boolean).join(' '),
    who: r.anonymous ? '匿名' : [r.reporter_name, r.reporter_phone].filter(Boolean).join(' '),
    deadline: (r.status === 'accepted' ? r.resolve_by : r.accept_by).slice(5, 16).replace('T', ' '),
  });
}

// reminder is what the switch shows of the pushes the worker can still receive.
function reminder(s) {
  if (!s.on) {
    return { on: false, text: '未开启：打开后，有新派单时微信通知您' };
  }
  if (s.longTerm) {
    return { on: true, text: '已开启，有新派单时微信通知您' };
  }
  return { on: true, text: '已开启，还能收到 ' + s.remaining + ' 次派单提醒' };
}

Component({
  behaviors: [pageBehavior, paged],
  data: {
    tabs: TABS,
    tab: 0,
    busy: 0,
    reminder: { on: false, text: '' },
    consentNote: '',
  },
  methods: {
    decorate,
    onShow() {
      this.showReminder();
      subscribe.load().then(() => this.showReminder());
      // The counts change as pushes are sent: read them again.
      session.refreshUser().then(() => this.showReminder(), () => {});
      this.load();
    },
    showReminder() {
      this.setData({
        reminder: reminder(subscribe.status('report_assigned', session.user())),
        consentNote: subscribe.note(CONSENT, 'task', ON_ACCEPT),
      });
    },
    // toggleReminder: on asks consent (straight from the tap, as WeChat requires); off cannot be
    // done from here, so it says where.
    async toggleReminder(e) {
      if (!(e && e.detail && e.detail.value)) {
        wx.showModal({ title: '关闭派单提醒', content: TURN_OFF, showCancel: false, confirmText: '知道了' });
        return;
      }
      const consent = subscribe.ask(CONSENT, { always: true });
      const answer = await consent;
      await answer.saved;
      this.showReminder();
      if (answer.accepted.length) {
        wx.showToast({ title: '已开启派单提醒', icon: 'success' });
      }
    },
    pickTab(e) {
      this.setData({ tab: Number(e.currentTarget.dataset.index) });
      this.load();
    },
    listURL() {
      const key = TABS[this.data.tab].key;
      return key === 'open' ? '/worker/open-tasks?limit=20' : '/worker/tasks?limit=20&status=' + key;
    },
    async act(id, action, body, done) {
      this.setData({ busy: id });
      try {
        await api.post('/worker/tasks/' + id + '/' + action, body || {}, { loading: '提交中' });
        wx.showToast({ title: done, icon: 'success' });
        await this.load();
      } catch (err) {
        // Shown by the API client.
      } finally {
        this.setData({ busy: 0 });
      }
    },
    async accept(e) {
      // First, before any wait: WeChat takes a consent request only straight from the tap.
      const consent = subscribe.ask(CONSENT, ON_ACCEPT);
      const id = Number(e.currentTarget.dataset.id);
      this.setData({ busy: id });
      const answer = await consent;
      await this.act(id, 'accept', {}, '已接单');
      answer.saved.then(() => this.showReminder());
    },
    claim(e) {
      return this.act(Number(e.currentTarget.dataset.id), 'claim', {}, '已认领');
    },
    // resolve asks for an optional note, then optional photos.
    resolve(e) {
      const id = Number(e.currentTarget.dataset.id);
      wx.showModal({
        title: '处理完成',
        editable: true,
        placeholderText: '选填：怎么处理的',
        confirmText: '下一步',
        success: (res) => {
          if (!res.confirm) return;
          const note = String(res.content || '').trim().slice(0, 200);
          wx.showModal({
            title: '拍照留证',
            content: '要添加处理后的照片吗？',
            confirmText: '拍照',
            cancelText: '不用了',
            success: (r2) => {
              if (!r2.confirm) {
                this.act(id, 'resolve', { note, photo_ids: [] }, '已完成');
                return;
              }
              wx.chooseMedia({
                count: 9,
                mediaType: ['image'],
                sizeType: ['compressed'],
                fail: (err) => denied.explain('photo', err, '可以再点“完成”，选“不用了”直接完成。'),
                success: async (media) => {
                  const ids = [];
                  try {
                    for (const f of media.tempFiles) {
                      ids.push((await api.upload(f.tempFilePath)).id);
                    }
                  } catch (err) {
                    return;
                  }
                  this.act(id, 'resolve', { note, photo_ids: ids }, '已完成');
                },
              });
            },
          });
        },
      });
    },
    giveBack(e) {
      const id = Number(e.currentTarget.dataset.id);
      wx.showModal({
        title: '退单',
        editable: true,
        placeholderText: '请写明原因，社区会重新分派',
        confirmText: '退单',
        success: (res) => {
          if (!res.confirm) return;
          const reason = String(res.content || '').trim();
          if (!reason) {
            wx.showToast({ title: '请写明退单原因', icon: 'none' });
            return;
          }
          this.act(id, 'return', { reason: reason.slice(0, 200) }, '已退回社区');
        },
      });
    },
  },
});
