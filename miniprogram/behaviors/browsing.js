// Pages that browse a community's offer (home, canteen, 家长大学): what utils/community.js's
// browsed() keeps on them, and the way to the 选择社区 page for a visitor.
const community = require('../utils/community');

module.exports = Behavior({
  data: { place: null, needPlace: false, persons: [], personIndex: -1 },
  methods: {
    chooseCommunity() {
      community.chooseCommunity();
    },
  },
});
