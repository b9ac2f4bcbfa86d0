// 审核 (staff): requests waiting for a decision, oldest first: relatives registering an elder,
// relatives asking to join, elders claiming their record.
const pageBehavior = require('../../behaviors/page');
const paged = require('../../behaviors/paged');
const api = require('../../utils/api');
const labels = require('../../utils/person');

// mismatchText says why a join or claim cannot be approved: the ID card the requester gave did
// not match the record (or, for a claim, any record). Staff can only reject it ('' otherwise).
function mismatchText(r) {
  if (r.id_card_matched !== false) return '';
  return r.person_id ? '申请人填写的身份证号与该居民档案不符，不能通过' : '社区中没有与申请人填写的身份证号相符的档案，不能通过';
}

function decorate(r) {
  return Object.assign({}, r, {
    kindText: labels.KINDS[r.kind],
    relationText: r.kind === 'claim' ? '本人' : labels.labelOf(labels.RELATIONS, r.relation),
    personText: r.person_name || (r.person_id ? '档案 ' + r.person_id : '（未找到档案）'),
    mismatch: mismatchText(r),
    created: r.created_at.slice(0, 16).replace('T', ' '),
  });
}

Component({
  behaviors: [pageBehavior, paged],
  data: {
    deciding: 0,
  },
  methods: {
    listURL() {
      return '/admin/guardian-requests?status=pending&limit=20';
    },
    decorate,
    onShow() {
      this.refresh();
    },
    async decide(id, action, body) {
      this.setData({ deciding: id });
      try {
        await api.post('/admin/guardian-requests/' + id + '/' + action, body, { loading: '提交中' });
        this.setData({ items: this.data.items.filter((r) => r.id !== id) });
        wx.showToast({ title: action === 'approve' ? '已通过' : '已驳回', icon: 'success' });
      } catch (e) {
        if (e.code === 'already_decided') {
          this.setData({ items: this.data.items.filter((r) => r.id !== id) });
        }
      } finally {
        this.setData({ deciding: 0 });
      }
    },
    approve(e) {
      return this.decide(e.currentTarget.dataset.id, 'approve', {});
    },
    reject(e) {
      const id = e.currentTarget.dataset.id;
      wx.showModal({
        title: '驳回申请',
        editable: true,
        placeholderText: '请写明原因，申请人会看到',
        confirmText: '驳回',
        confirmColor: '#c0392b',
        success: (res) => {
          if (!res.confirm) return;
          const reason = String(res.content || '').trim();
          if (!reason) {
            wx.showToast({ title: '请写明驳回原因', icon: 'none' });
            return;
          }
          if (reason.length > 200) {
            wx.showToast({ title: '原因最多 200 字', icon: 'none' });
            return;
          }
          this.decide(id, 'reject', { reason });
        },
      });
    },
  },
});
