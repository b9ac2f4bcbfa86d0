package person

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/linli/linli/server/internal/validation"
)

// Genders.
const (
	GenderMale   = "male"
	GenderFemale = "female"
)

// Care levels.
const (
	CareSelf    = "self_care"
	CarePartly  = "partly_dependent"
	CareFully   = "fully_dependent"
	defaultCare = CareSelf
)

// CareLevels lists the care levels in order of need.
var CareLevels = []string{CareSelf, CarePartly, CareFully}

// Relations: what the person is to the guardian. RelationSelf is the claim of one's own record.
const RelationSelf = "self"

// GuardianRelations are the relations a guardian may state.
var GuardianRelations = []string{"parent", "grandparent", "spouse", "child", "grandchild", "other"}

// Field limits, in characters.
const (
	MaxName        = 32
	MaxUnit        = 16
	MaxDietNotes   = 200
	MaxContacts    = 3
	MaxRelation    = 16
	MaxReason      = 200
	idCardLength   = 18
	contactsPrefix = "emergency_contacts"
)

// Contact is an emergency contact.
type Contact struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Relation string `json:"relation"`
}

// Details is everything a person's record holds that a guardian or staff may write.
type Details struct {
	Name        string
	Gender      string
	BirthDate   string
	IDCard      string
	Phone       string
	BuildingID  int64
	Unit        string
	Room        string
	LivingAlone bool
	CareLevel   string
	DietNotes   string
	Contacts    []Contact
}

// Profile is what a user says of themself when joining a community (PUT /me/profile).
type Profile struct {
	CommunityID int64
	BuildingID  int64
	Name        string
	Unit        string
	Room        string
	Gender      string
	BirthDate   string
}

// Normalize trims p and checks it; today is the current Asia/Shanghai date (YYYY-MM-DD).
func (p *Profile) Normalize(today string) error {
	errs := validation.Errors{}
	nameText.Clean(errs, "name", &p.Name)
	unitText.Clean(errs, "unit", &p.Unit)
	unitText.Clean(errs, "room", &p.Room)
	if p.CommunityID <= 0 {
		errs.Add("community_id", validation.Required)
	}
	if p.BuildingID <= 0 {
		errs.Add("building_id", validation.Required)
	}
	checkGender(errs, p.Gender, false)
	checkBirthDate(errs, p.BirthDate, today, false)
	return errs.Err()
}

// Normalize trims d and checks it; today is the current Asia/Shanghai date. Gender and birth
// date are required of a person registered by someone else (full), optional on one's own
// record. A birth date or gender left out is taken from the ID card; one given must agree
// with it.
func (d *Details) Normalize(today string, full bool) error {
	errs := validation.Errors{}
	d.IDCard = normalizeIDCard(d.IDCard)
	d.Phone = normalizePhone(d.Phone)
	nameText.Clean(errs, "name", &d.Name)
	unitText.Clean(errs, "unit", &d.Unit)
	unitText.Clean(errs, "room", &d.Room)
	dietText.Clean(errs, "diet_notes", &d.DietNotes)
	if d.BuildingID <= 0 {
		errs.Add("building_id", validation.Required)
	}
	if d.IDCard != "" {
		if msg := CheckIDCard(d.IDCard, today); msg != "" {
			errs.Add("id_card", msg)
		} else {
			birth, gender := IDCardBirthDate(d.IDCard), IDCardGender(d.IDCard)
			switch {
			case d.BirthDate == "":
				d.BirthDate = birth
			case d.BirthDate != birth:
				errs.Add("birth_date", "与身份证号中的出生日期不一致")
			}
			switch {
			case d.Gender == "":
				d.Gender = gender
			case d.Gender != gender:
				errs.Add("gender", "与身份证号中的性别不一致")
			}
		}
	}
	checkGender(errs, d.Gender, full)
	checkBirthDate(errs, d.BirthDate, today, full)
	if d.Phone != "" && !validPhone(d.Phone) {
		errs.Add("phone", "请填写 11 位手机号或带区号的固定电话")
	}
	if d.CareLevel == "" && !full {
		d.CareLevel = defaultCare
	}
	if !contains(CareLevels, d.CareLevel) {
		errs.Add("care_level", "应为 self_care、partly_dependent 或 fully_dependent")
	}
	if len(d.Contacts) > MaxContacts {
		errs.Add(contactsPrefix, "最多 3 位紧急联系人")
	}
	for i := range d.Contacts {
		if i >= MaxContacts {
			break
		}
		c := &d.Contacts[i]
		c.Phone = normalizePhone(c.Phone)
		at := contactsPrefix + "[" + strconv.Itoa(i) + "]."
		nameText.Clean(errs, at+"name", &c.Name)
		relationText.Clean(errs, at+"relation", &c.Relation)
		switch {
		case c.Phone == "":
			errs.Add(at+"phone", validation.Required)
		case !validPhone(c.Phone):
			errs.Add(at+"phone", "请填写 11 位手机号或带区号的固定电话")
		}
	}
	if d.Contacts == nil {
		d.Contacts = []Contact{}
	}
	return errs.Err()
}

// The rules of a person's free text.
var (
	nameText     = validation.Text{Max: MaxName, Required: true}
	unitText     = validation.Text{Max: MaxUnit, Required: true}
	dietText     = validation.Text{Max: MaxDietNotes, Multiline: true}
	relationText = validation.Text{Max: MaxRelation}
)

func checkGender(errs validation.Errors, g string, required bool) {
	switch {
	case g == "" && required:
		errs.Add("gender", validation.Required)
	case g != "" && g != GenderMale && g != GenderFemale:
		errs.Add("gender", "应为 male 或 female")
	}
}

func checkBirthDate(errs validation.Errors, v, today string, required bool) {
	if v == "" {
		if required {
			errs.Add("birth_date", validation.Required)
		}
		return
	}
	validation.Births(today).Date(errs, "birth_date", v)
}

// CheckRelation reports what is wrong with a guardian's stated relation ("" when nothing).
func CheckRelation(r string) string {
	switch {
	case r == "":
		return validation.Required
	case !contains(GuardianRelations, r):
		return "应为 parent、grandparent、spouse、child、grandchild 或 other"
	}
	return ""
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

var landlinePattern = regexp.MustCompile(`^0[0-9]{2,3}-?[0-9]{7,8}$`)

func normalizeIDCard(id string) string { return strings.ToUpper(strings.TrimSpace(id)) }

func normalizePhone(p string) string {
	return strings.NewReplacer(" ", "", "\u00a0", "").Replace(strings.TrimSpace(p))
}

func validPhone(p string) bool { return validation.Mobile(p) || landlinePattern.MatchString(p) }

// idWeights and idCheck are GB 11643-1999's check-digit rule (ISO 7064 MOD 11-2).
var (
	idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idCheck   = "10X98765432"
)

// CheckIDCard reports what is wrong with an 18-character resident ID card number ("" when it
// is well formed): 17 digits, then a check digit or X, with a real birth date not after today.
func CheckIDCard(id, today string) string {
	if len(id) != idCardLength {
		return "身份证号应为 18 位"
	}
	sum := 0
	for i := range 17 {
		c := id[i]
		if c < '0' || c > '9' {
			return "身份证号前 17 位应为数字"
		}
		sum += int(c-'0') * idWeights[i]
	}
	if id[17] != idCheck[sum%11] {
		return "身份证号校验位不正确，请核对"
	}
	birth := IDCardBirthDate(id)
	if _, err := time.Parse(time.DateOnly, birth); err != nil || !validation.Births(today).Has(birth) {
		return "身份证号中的出生日期不正确"
	}
	return ""
}

// IDCardBirthDate is the birth date an ID card number carries (YYYY-MM-DD).
func IDCardBirthDate(id string) string {
	if len(id) != idCardLength {
		return ""
	}
	return id[6:10] + "-" + id[10:12] + "-" + id[12:14]
}

// IDCardGender is the gender an ID card number carries: its 17th digit is odd for men.
func IDCardGender(id string) string {
	if len(id) != idCardLength {
		return ""
	}
	if (id[16]-'0')%2 == 1 {
		return GenderMale
	}
	return GenderFemale
}

// Age is the age in whole years on today of someone born on birth (both YYYY-MM-DD); -1 when
// the birth date is unknown.
func Age(birth, today string) int {
	if len(birth) != len(time.DateOnly) || len(today) != len(time.DateOnly) {
		return -1
	}
	b, err1 := time.Parse(time.DateOnly, birth)
	t, err2 := time.Parse(time.DateOnly, today)
	if err1 != nil || err2 != nil {
		return -1
	}
	age := t.Year() - b.Year()
	if t.Month() < b.Month() || (t.Month() == b.Month() && t.Day() < b.Day()) {
		age--
	}
	return age
}

// BornOnOrBefore is the latest birth date of someone at least age years old on today.
func BornOnOrBefore(today string, age int) string {
	t, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return ""
	}
	d := time.Date(t.Year()-age, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if d.Month() != t.Month() {
		// Today is 29 February and that year has none: the birthday passed on the 28th.
		d = d.AddDate(0, 0, -d.Day())
	}
	return d.Format(time.DateOnly)
}
