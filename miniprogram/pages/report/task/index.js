// 我的任务 (grid workers, volunteers, staff): reports assigned to me by status, and for
// volunteers the minor ones anyone may claim; accept, claim, resolve with a note and photos, or
// return to the community with a reason.
const pageBehavior = require('../../../behaviors/page');
const paged = require('../../../behaviors/paged');
const api = require('../../../utils/api');
const words = require('../../../utils/report');

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

Component({
  behaviors: [pageBehavior, paged],
  data: {
    tabs: TABS,
    tab: 0,
    busy: 0,
  },
  methods: {
    decorate,
    onShow() {
      this.load();
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
    accept(e) {
      return this.act(Number(e.currentTarget.dataset.id), 'accept', {}, '已接单');
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
