package person

import (
	"testing"

	"github.com/linli/linli/server/internal/validation"
)

func TestCheckIDCard(t *testing.T) {
	const today = "2026-11-26"
	for id, want := range map[string]string{
		"330702194503050022": "",
		"11010519491231002X": "",
		"330702194503050021": "身份证号校验位不正确，请核对",
		"33070219450305002":  "身份证号应为 18 位",
		"3307021945030500A2": "身份证号前 17 位应为数字",
		"330702194502300026": "身份证号中的出生日期不正确", // 30 February
		"330702209901010017": "身份证号中的出生日期不正确", // born in the future
	} {
		if got := CheckIDCard(id, today); got != want {
			t.Errorf("CheckIDCard(%s) = %q, want %q", id, got, want)
		}
	}
	if IDCardBirthDate("11010519491231002X") != "1949-12-31" || IDCardGender("11010519491231002X") != GenderFemale ||
		IDCardGender("330702194808120036") != GenderMale {
		t.Error("birth date or gender read wrong from the ID card")
	}
}

func TestAge(t *testing.T) {
	for _, tc := range []struct {
		birth, today string
		want         int
	}{
		{"1945-03-05", "2026-03-04", 80},
		{"1945-03-05", "2026-03-05", 81},
		{"2000-02-29", "2027-02-28", 26},
		{"2000-02-29", "2027-03-01", 27},
		{"", "2026-01-01", -1},
	} {
		if got := Age(tc.birth, tc.today); got != tc.want {
			t.Errorf("Age(%s, %s) = %d, want %d", tc.birth, tc.today, got, tc.want)
		}
	}
	for _, tc := range []struct {
		today string
		age   int
		want  string
	}{
		{"2026-11-26", 80, "1946-11-26"},
		{"2028-02-29", 1, "2027-02-28"},
		{"2028-02-29", 4, "2024-02-29"},
	} {
		if got := BornOnOrBefore(tc.today, tc.age); got != tc.want {
			t.Errorf("BornOnOrBefore(%s, %d) = %s, want %s", tc.today, tc.age, got, tc.want)
		}
		if Age(tc.want, tc.today) != tc.age {
			t.Errorf("someone born %s is not %d on %s", tc.want, tc.age, tc.today)
		}
	}
}

func TestNormalizeDetails(t *testing.T) {
	d := Details{Name: " 李桂英 ", IDCard: " 11010519491231002x ", Phone: "138 0000 1234", BuildingID: 1, Unit: "1", Room: "2",
		CareLevel: CareSelf}
	if err := d.Normalize("2026-11-26", true); err != nil {
		t.Fatal(err)
	}
	if d.Name != "李桂英" || d.IDCard != "11010519491231002X" || d.Phone != "13800001234" || d.BirthDate != "1949-12-31" ||
		d.Gender != GenderFemale || d.Contacts == nil {
		t.Errorf("normalized = %+v", d)
	}
	own := Details{Name: "王", BuildingID: 1, Unit: "1", Room: "2", Phone: "0579-82345678"}
	if err := own.Normalize("2026-11-26", false); err != nil || own.CareLevel != CareSelf {
		t.Errorf("own record: %v, care %q", err, own.CareLevel)
	}
	full := Details{Name: "王", BuildingID: 1, Unit: "1", Room: "2"}
	err := full.Normalize("2026-11-26", true)
	errs, _ := err.(validation.Errors)
	for _, f := range []string{"gender", "birth_date", "care_level"} {
		if errs[f] == "" {
			t.Errorf("registration without %s accepted: %v", f, err)
		}
	}
}
