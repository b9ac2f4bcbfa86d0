package httpapi

import (
	"os"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestErrorCodesDocumented keeps the Error schema's code list in docs/openapi.yaml true to the
// error table, both ways.
func TestErrorCodesDocumented(t *testing.T) {
	raw, err := os.ReadFile("../../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Components struct {
			Schemas struct {
				Error struct {
					Properties struct {
						Error struct {
							Properties struct {
								Code struct {
									Enum []string `yaml:"enum"`
								} `yaml:"code"`
							} `yaml:"properties"`
						} `yaml:"error"`
					} `yaml:"properties"`
				} `yaml:"Error"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	documented := spec.Components.Schemas.Error.Properties.Error.Properties.Code.Enum
	served := []string{invalidRequest.code, internalError.code, tooLarge.code, unavailable.code, personExists.code}
	for _, row := range errorTable {
		served = append(served, row.code)
	}
	for _, code := range served {
		if !slices.Contains(documented, code) {
			t.Errorf("error code %s is missing from docs/openapi.yaml", code)
		}
	}
	for _, code := range documented {
		if !slices.Contains(served, code) {
			t.Errorf("docs/openapi.yaml documents error code %s, which the server never answers", code)
		}
	}
}
