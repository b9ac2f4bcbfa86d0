// A worker's steps on a report, shared by 我的任务 and a task's own page: accept (asking consent
// for the task pushes first, as WeChat requires, while a one-time consent runs low), claim,
// resolve with a note and photos, or return to the community with a reason. After a step the
// page loads again (its load()). Their decoration is utils/report.js's task().
const api = require('../utils/api');
const denied = require('../utils/denied');
const session = require('../utils/session');
const subscribe = require('../utils/subscribe');

const CONSENT = ['report_assigned'];
// Long-term consents are turned on by the 接收派单提醒 switch, not asked for on each 接单.
const ON_ACCEPT = { longTerm: false };

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

module.exports = Behavior({
  data: { busy: 0, reminder: { on: false, text: '' }, consentNote: '' },
  methods: {
    showReminder() {
      this.setData({
        reminder: reminder(subscribe.status('report_assigned', session.user())),
        consentNote: subscribe.note(CONSENT, 'task', ON_ACCEPT),
      });
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
