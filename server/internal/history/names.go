package history

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// surnames are the common Chinese surnames with their rough shares (per mille), so that a
// surname prefix finds from a handful to several thousand of 100,000 persons.
var surnames = []struct {
	name   string
	weight int
}{
	{"王", 71}, {"李", 70}, {"张", 67}, {"刘", 54}, {"陈", 45}, {"杨", 31}, {"黄", 22}, {"赵", 21}, {"吴", 20}, {"周", 19},
	{"徐", 15}, {"孙", 15}, {"马", 14}, {"朱", 13}, {"胡", 13}, {"郭", 11}, {"何", 11}, {"高", 10}, {"林", 10}, {"罗", 9},
	{"郑", 9}, {"梁", 8}, {"谢", 7}, {"宋", 7}, {"唐", 7}, {"许", 6}, {"韩", 6}, {"冯", 6}, {"邓", 6}, {"曹", 5},
	{"彭", 5}, {"曾", 5}, {"肖", 5}, {"田", 5}, {"董", 5}, {"袁", 4}, {"潘", 4}, {"于", 4}, {"蒋", 4}, {"蔡", 4},
	{"余", 4}, {"杜", 4}, {"叶", 4}, {"程", 4}, {"苏", 3}, {"魏", 3}, {"吕", 3}, {"丁", 3}, {"任", 3}, {"沈", 3},
	{"姚", 3}, {"卢", 3}, {"姜", 3}, {"崔", 3}, {"钟", 3}, {"谭", 3}, {"陆", 3}, {"汪", 3}, {"范", 3}, {"金", 3},
	{"石", 3}, {"廖", 2}, {"贾", 2}, {"夏", 2}, {"韦", 2}, {"付", 2}, {"方", 2}, {"白", 2}, {"邹", 2}, {"孟", 2},
	{"熊", 2}, {"秦", 2}, {"邱", 2}, {"江", 2}, {"尹", 2}, {"薛", 2}, {"闫", 2}, {"段", 2}, {"雷", 2}, {"侯", 2},
	{"龙", 2}, {"史", 2}, {"陶", 2}, {"黎", 2}, {"贺", 2}, {"顾", 2}, {"毛", 2}, {"郝", 2}, {"龚", 2}, {"邵", 2},
	{"万", 1}, {"钱", 1}, {"严", 1}, {"覃", 1}, {"武", 1}, {"戴", 1}, {"莫", 1}, {"孔", 1}, {"向", 1}, {"汤", 1},
	{"欧阳", 1}, {"司马", 1}, {"诸葛", 1}, {"上官", 1},
}

// Given names by generation and gender: whole names as parents gave them, and characters that
// make up the rest.
var (
	givenElderMale   = []string{"建国", "建军", "国强", "国庆", "卫国", "志强", "德明", "振华", "永福", "金生", "长林", "文斌", "学军", "福生", "宝山", "树林", "春生", "有才", "洪", "刚", "勇", "明", "军", "强", "平", "华", "忠", "林", "德胜", "桂林"}
	givenElderFemale = []string{"秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "秀珍", "玉珍", "淑珍", "玉梅", "素英", "金凤", "春花", "翠花", "兰英", "美华", "丽华", "淑英", "桂芳", "月娥", "英", "芳", "红", "霞", "萍", "琴", "珍", "兰", "梅", "凤兰"}
	givenMidMale     = []string{"伟", "磊", "勇", "军", "杰", "涛", "斌", "超", "明", "刚", "鹏", "辉", "强", "浩", "峰", "建华", "海涛", "志刚", "晓东", "俊杰", "文博", "海波", "宏伟", "建平", "立新", "永刚", "国华", "小军", "晓明", "东升"}
	givenMidFemale   = []string{"丽", "静", "敏", "燕", "艳", "娟", "霞", "芳", "婷", "洁", "丽娟", "晓燕", "海燕", "丽萍", "雪梅", "春燕", "秀梅", "红梅", "晓红", "建英", "慧", "玲", "莉", "颖", "倩", "琳", "雯", "晶", "佳", "蕾"}
	givenYoungMale   = []string{"子轩", "浩然", "宇轩", "梓涵", "一诺", "浩宇", "子墨", "俊熙", "宇航", "博文", "子豪", "睿", "轩", "辰", "泽宇", "皓轩", "明轩", "铭", "嘉懿", "梓睿", "锦程", "沐阳", "天佑", "思远", "奕辰", "煜", "昊", "航", "哲", "晨"}
	givenYoungFemale = []string{"梓涵", "一诺", "欣怡", "子涵", "语嫣", "诗涵", "梦琪", "雨欣", "可馨", "思彤", "梓萱", "若汐", "欣妍", "佳怡", "依诺", "雨桐", "子萱", "悦", "萱", "妍", "琪", "涵", "彤", "瑶", "婧", "雅", "婷", "怡", "可", "欣"}
	givenChars       = []rune("文华明国建志永春金玉秀英兰芳丽红军平德成海云晓立新宏光美静佳宇子思雨嘉欣泽俊博睿涵")
)

var surnameTotal = func() int {
	n := 0
	for _, s := range surnames {
		n += s.weight
	}
	return n
}()

func surname(r *rand.Rand) string {
	n := r.IntN(surnameTotal)
	for _, s := range surnames {
		if n < s.weight {
			return s.name
		}
		n -= s.weight
	}
	return surnames[0].name
}

// fullName is a name fitting the birth year and gender: mostly as the generation named its
// children, else two characters drawn freely.
func fullName(r *rand.Rand, year int, male bool) string {
	var pool []string
	switch {
	case year < 1966 && male:
		pool = givenElderMale
	case year < 1966:
		pool = givenElderFemale
	case year < 1996 && male:
		pool = givenMidMale
	case year < 1996:
		pool = givenMidFemale
	case male:
		pool = givenYoungMale
	default:
		pool = givenYoungFemale
	}
	if r.IntN(10) < 7 {
		return surname(r) + pool[r.IntN(len(pool))]
	}
	return surname(r) + string(givenChars[r.IntN(len(givenChars))]) + string(givenChars[r.IntN(len(givenChars))])
}

// regions are the address codes ID cards start with.
var regions = []string{"330102", "330105", "330106", "330108", "330110", "330127", "330702", "330302", "340104", "320102", "410105", "420106", "510107", "330681"}

var (
	idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idCheck   = "10X98765432"
)

// idCards makes well-formed ID card numbers (GB 11643-1999), each once.
type idCards map[string]struct{}

// next is a new number for someone born on birth (YYYY-MM-DD) of the gender: the 17th digit is
// odd for men.
func (seen idCards) next(r *rand.Rand, birth string, male bool) string {
	for {
		seq := r.IntN(500) * 2
		if male {
			seq++
		}
		body := regions[r.IntN(len(regions))] + birth[0:4] + birth[5:7] + birth[8:10] + fmt.Sprintf("%03d", seq)
		sum := 0
		for i := range 17 {
			sum += int(body[i]-'0') * idWeights[i]
		}
		id := body + string(idCheck[sum%11])
		if _, ok := seen[id]; !ok {
			seen[id] = struct{}{}
			return id
		}
	}
}

var mobilePrefixes = []string{"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158", "159", "177", "180", "181", "186", "187", "188", "189", "199"}

func mobile(r *rand.Rand) string {
	return mobilePrefixes[r.IntN(len(mobilePrefixes))] + fmt.Sprintf("%08d", r.IntN(100000000))
}

// between is a time drawn evenly from [a, b).
func between(r *rand.Rand, a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(r.Int64N(int64(b.Sub(a)))))
}

// minutes is d minutes, for the durations drawn below.
func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

// pick is an element drawn evenly.
func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// chance is true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

var dietNotes = []string{"少盐", "少油", "糖尿病餐，少糖", "不吃辣", "牙口不好，饭菜要软烂", "对花生过敏", "清真", "不吃香菜", "低嘌呤"}

var (
	breakfastDishes = []string{"小米粥", "豆浆", "油条", "肉包", "菜包", "白煮蛋", "咸菜", "小馄饨", "花卷", "南瓜粥"}
	mainDishes      = []string{"红烧肉", "清蒸鲈鱼", "番茄炒蛋", "青椒肉丝", "麻婆豆腐", "酸辣土豆丝", "红烧鸡块", "清炒时蔬", "冬瓜排骨汤", "紫菜蛋花汤", "糖醋里脊", "蒜蓉西兰花", "蒜蓉菠菜", "鱼香肉丝", "宫保鸡丁", "红烧茄子", "白菜炖豆腐", "肉末蒸蛋", "土豆烧牛肉", "香菇青菜"}
)

var reportTexts = map[string][]string{
	"repair":     {"%s楼道灯坏了，晚上看不见路", "%s电梯经常停，困过人", "%s单元门禁坏了，门关不上", "%s楼顶漏水，家里墙面发霉", "%s下水道堵了，污水外溢", "%s门口路灯不亮已经一周", "小区健身器材螺丝松了，%s附近"},
	"sanitation": {"%s垃圾桶满了没人清运，气味很大", "%s楼下有人乱扔建筑垃圾", "%s绿化带里有死老鼠", "%s楼道里堆满杂物，影响通行", "%s门口宠物粪便没人清理"},
	"noise":      {"%s楼上装修每天很早就开始，太吵了", "%s附近晚上广场舞声音太大", "%s有人深夜唱歌喧哗", "%s楼下商铺音响声音太大"},
	"dispute":    {"%s邻居占用公共楼道堆放物品，协商不成", "%s楼上漏水到我家，对方不愿处理", "%s门口车位被长期占用", "%s邻居家狗晚上一直叫"},
	"elderly":    {"%s老人行动不便，需要帮忙买药", "%s独居老人家里水管坏了，需要上门帮忙", "%s老人需要陪同去医院复查", "%s老人家里电视坏了，想请人看看", "%s老人想办理助餐补贴，不知道怎么弄"},
	"safety":     {"%s楼道里有电动车充电，电线乱拉", "%s消防通道被车堵住", "%s外墙瓷砖松动，可能掉落", "%s门口井盖破损，晚上容易踩空", "%s燃气管道附近有异味"},
	"other":      {"%s快递柜坏了取不了件", "想咨询社区活动报名的事，我住%s", "%s大门识别不了车牌", "想反映一下%s物业服务的问题"},
}

var (
	resolveNotes = []string{"已上门处理，恢复正常", "已联系物业维修", "已协调双方，问题解决", "已清理完毕", "已安排人员陪同", "已更换配件", ""}
	returnNotes  = []string{"不属于本网格，请社区改派", "需要物业配合，请社区协调", "问题较复杂，请社区统一处理"}
	comments     = []string{"处理很及时，谢谢", "态度很好", "", "", "还可以", "希望以后多注意"}
	closeReasons = []string{"食堂设备检修，暂停供餐", "停水，暂停供餐", "临时停电，暂停供餐"}
)

var (
	courseThemes  = []string{"亲子沟通", "家庭教育", "儿童安全", "心理健康", "阅读启蒙", "科学育儿", "隔代教养"}
	courseTitles  = []string{"如何与青春期孩子沟通", "好习惯养成课", "儿童防走失与自护", "绘本共读", "情绪管理小课堂", "科学喂养与睡眠", "隔代教养的智慧", "家庭规则怎么定", "手机与孩子", "幼小衔接", "亲子手工坊", "安全用电小知识"}
	teachers      = []string{"陈老师", "李老师", "王老师", "张老师", "刘老师", "周老师", "赵老师"}
	coursePlaces  = []string{"社区活动室", "邻里中心二楼", "家长大学教室", "社区图书角"}
	contactTitles = []string{"儿子", "女儿", "儿媳", "女婿", "侄子", "邻居"}
)
