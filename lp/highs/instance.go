package highs

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// fnID indexes the wasm exports the engine calls.
type fnID int

const (
	fnCtors fnID = iota
	fnMalloc
	fnFree
	fnCreate
	fnDestroy
	fnPassLp
	fnPassMip
	fnRun
	fnClearSolver
	fnGetModelStatus
	fnGetSolution
	fnGetBasis
	fnSetBasis
	fnGetObjectiveValue
	fnGetIntInfoValue
	fnGetDoubleInfoValue
	fnGetInt64InfoValue
	fnSetBoolOptionValue
	fnSetIntOptionValue
	fnSetDoubleOptionValue
	fnSetStringOptionValue
	fnChangeColsCostBySet
	fnChangeColsBoundsBySet
	fnChangeRowsBoundsBySet
	fnVersionMajor
	fnVersionMinor
	fnVersionPatch
	fnGetSizeofHighsInt
	fnLpCall
	numFns
)

// fnSpec is the C name of an export and its expected wasm signature: one letter per value,
// i = i32 (HighsInt or pointer), I = i64, d = f64.
type fnSpec struct {
	name            string
	params, results string
}

// fnSpecs returns the exports the engine needs, indexed by fnID. The self-check compares them
// with the compiled module, so a name map from another release fails loudly.
func fnSpecs() [numFns]fnSpec {
	return [numFns]fnSpec{
		fnCtors:                 {"__wasm_call_ctors", "", ""},
		fnMalloc:                {"malloc", "i", "i"},
		fnFree:                  {"free", "i", ""},
		fnCreate:                {"Highs_create", "", "i"},
		fnDestroy:               {"Highs_destroy", "i", ""},
		fnPassLp:                {"Highs_passLp", "iiiiiidiiiiiiii", "i"},
		fnPassMip:               {"Highs_passMip", "iiiiiidiiiiiiiii", "i"},
		fnRun:                   {"Highs_run", "i", "i"},
		fnClearSolver:           {"Highs_clearSolver", "i", "i"},
		fnGetModelStatus:        {"Highs_getModelStatus", "i", "i"},
		fnGetSolution:           {"Highs_getSolution", "iiiii", "i"},
		fnGetBasis:              {"Highs_getBasis", "iii", "i"},
		fnSetBasis:              {"Highs_setBasis", "iii", "i"},
		fnGetObjectiveValue:     {"Highs_getObjectiveValue", "i", "d"},
		fnGetIntInfoValue:       {"Highs_getIntInfoValue", "iii", "i"},
		fnGetDoubleInfoValue:    {"Highs_getDoubleInfoValue", "iii", "i"},
		fnGetInt64InfoValue:     {"Highs_getInt64InfoValue", "iii", "i"},
		fnSetBoolOptionValue:    {"Highs_setBoolOptionValue", "iii", "i"},
		fnSetIntOptionValue:     {"Highs_setIntOptionValue", "iii", "i"},
		fnSetDoubleOptionValue:  {"Highs_setDoubleOptionValue", "iid", "i"},
		fnSetStringOptionValue:  {"Highs_setStringOptionValue", "iii", "i"},
		fnChangeColsCostBySet:   {"Highs_changeColsCostBySet", "iiii", "i"},
		fnChangeColsBoundsBySet: {"Highs_changeColsBoundsBySet", "iiiii", "i"},
		fnChangeRowsBoundsBySet: {"Highs_changeRowsBoundsBySet", "iiiii", "i"},
		fnVersionMajor:          {"Highs_versionMajor", "", "i"},
		fnVersionMinor:          {"Highs_versionMinor", "", "i"},
		fnVersionPatch:          {"Highs_versionPatch", "", "i"},
		fnGetSizeofHighsInt:     {"Highs_getSizeofHighsInt", "i", "i"},
		// Not called: checked because its 21 parameters make a mismatched map obvious.
		fnLpCall: {"Highs_lpCall", "iiiiidiiiiiiiiiiiiiii", "i"},
	}
}

// sigString renders wasm value types in fnSpec notation.
func sigString(ts []api.ValueType) string {
	b := make([]byte, len(ts))
	for i, t := range ts {
		switch t {
		case api.ValueTypeI32:
			b[i] = 'i'
		case api.ValueTypeI64:
			b[i] = 'I'
		case api.ValueTypeF64:
			b[i] = 'd'
		case api.ValueTypeF32:
			b[i] = 'f'
		default:
			b[i] = '?'
		}
	}
	return string(b)
}

// checkExports verifies that every export the engine uses exists in cm under the name the
// generated map gives, with the expected signature, and that the memory export exists.
func checkExports(cm wazero.CompiledModule) error {
	exp := cm.ExportedFunctions()
	for _, s := range fnSpecs() {
		short := exportName(s.name)
		if short == "" {
			return fmt.Errorf("name map has no export %s", s.name)
		}
		f, ok := exp[short]
		if !ok {
			return fmt.Errorf("%s maps to export %q, which the wasm lacks", s.name, short)
		}
		if p, r := sigString(f.ParamTypes()), sigString(f.ResultTypes()); p != s.params || r != s.results {
			return fmt.Errorf("%s (export %q) has signature (%s)->(%s), want (%s)->(%s): the name map does not match the wasm",
				s.name, short, p, r, s.params, s.results)
		}
	}
	if _, ok := cm.ExportedMemories()[exportName("memory")]; !ok {
		return fmt.Errorf("memory maps to export %q, which the wasm lacks", exportName("memory"))
	}
	return nil
}

// instance is one instantiated HiGHS module with one Highs object in it. It is used by one
// goroutine. After any failed call it is broken and must be closed.
type instance struct {
	mod    api.Module
	mem    api.Memory
	fn     [numFns]api.Function
	highs  uint32            // the Highs* object
	cstr   map[string]uint32 // option and info names copied into wasm memory
	broken bool
}

// newInstance instantiates cm anonymously, runs the static constructors and creates a Highs
// object with output off unless logging is wanted and the given presolve option.
func newInstance(ctx context.Context, rt wazero.Runtime, cm wazero.CompiledModule, logOutput bool, presolve string) (*instance, error) {
	mod, err := rt.InstantiateModule(ctx, cm, wazero.NewModuleConfig().WithName("").WithStartFunctions())
	if err != nil {
		return nil, fmt.Errorf("instantiate: %w", err)
	}
	in := &instance{mod: mod, mem: mod.ExportedMemory(exportName("memory")), cstr: map[string]uint32{}}
	specs := fnSpecs()
	for id := range numFns {
		in.fn[id] = mod.ExportedFunction(exportName(specs[id].name))
		if in.fn[id] == nil {
			_ = mod.Close(ctx)
			return nil, fmt.Errorf("export %s missing", specs[id].name)
		}
	}
	if in.mem == nil {
		_ = mod.Close(ctx)
		return nil, fmt.Errorf("memory export missing")
	}
	if _, err := in.call(ctx, fnCtors); err != nil {
		in.close(ctx)
		return nil, err
	}
	h, err := in.call(ctx, fnCreate)
	if err != nil {
		in.close(ctx)
		return nil, err
	}
	in.highs = uint32(h)
	if err := in.setBool(ctx, "output_flag", logOutput); err != nil {
		in.close(ctx)
		return nil, err
	}
	if err := in.setString(ctx, "presolve", presolve); err != nil {
		in.close(ctx)
		return nil, err
	}
	return in, nil
}

// close releases the module instance; the Highs object goes with its memory.
func (in *instance) close(ctx context.Context) {
	_ = in.mod.Close(context.WithoutCancel(ctx))
	in.broken = true
}

// call calls export id. Any error (a trap, a host-side exit or abort, a closed module after
// context cancellation) marks the instance broken.
func (in *instance) call(ctx context.Context, id fnID, args ...uint64) (uint64, error) {
	res, err := in.fn[id].Call(ctx, args...)
	if err != nil {
		in.broken = true
		return 0, fmt.Errorf("%s: %w", fnSpecs()[id].name, err)
	}
	if len(res) == 0 {
		return 0, nil
	}
	return res[0], nil
}

// callStatus calls a HiGHS function returning a HighsStatus and reports kHighsStatusError (-1)
// as an error.
func (in *instance) callStatus(ctx context.Context, id fnID, args ...uint64) error {
	r, err := in.call(ctx, id, args...)
	if err != nil {
		return err
	}
	if api.DecodeI32(r) == highsStatusError {
		return fmt.Errorf("%s returned kHighsStatusError", fnSpecs()[id].name)
	}
	return nil
}

// malloc allocates n bytes of wasm memory.
func (in *instance) malloc(ctx context.Context, n int) (uint32, error) {
	p, err := in.call(ctx, fnMalloc, uint64(max(n, 8)))
	if err != nil {
		return 0, err
	}
	if p == 0 {
		in.broken = true
		return 0, fmt.Errorf("malloc(%d) failed: wasm memory exhausted", n)
	}
	return uint32(p), nil
}

// free releases memory from malloc; p == 0 is a no-op.
func (in *instance) free(ctx context.Context, p uint32) error {
	if p == 0 {
		return nil
	}
	_, err := in.call(ctx, fnFree, uint64(p))
	return err
}

// view returns n bytes of wasm memory at p. The slice is invalid after the memory grows, that
// is after any call into the module.
func (in *instance) view(p uint32, n int) []byte {
	b, ok := in.mem.Read(p, uint32(n))
	if !ok {
		panic(fmt.Sprintf("highs: wasm memory view [%d,+%d) out of range", p, n))
	}
	return b
}

// cString returns a NUL-terminated copy of s in wasm memory, cached for the instance's life.
func (in *instance) cString(ctx context.Context, s string) (uint32, error) {
	if p, ok := in.cstr[s]; ok {
		return p, nil
	}
	p, err := in.malloc(ctx, len(s)+1)
	if err != nil {
		return 0, err
	}
	b := in.view(p, len(s)+1)
	copy(b, s)
	b[len(s)] = 0
	in.cstr[s] = p
	return p, nil
}

func (in *instance) setBool(ctx context.Context, name string, v bool) error {
	p, err := in.cString(ctx, name)
	if err != nil {
		return err
	}
	x := uint64(0)
	if v {
		x = 1
	}
	return in.callStatus(ctx, fnSetBoolOptionValue, uint64(in.highs), uint64(p), x)
}

func (in *instance) setDouble(ctx context.Context, name string, v float64) error {
	p, err := in.cString(ctx, name)
	if err != nil {
		return err
	}
	return in.callStatus(ctx, fnSetDoubleOptionValue, uint64(in.highs), uint64(p), api.EncodeF64(v))
}

func (in *instance) setString(ctx context.Context, name, v string) error {
	p, err := in.cString(ctx, name)
	if err != nil {
		return err
	}
	q, err := in.cString(ctx, v)
	if err != nil {
		return err
	}
	return in.callStatus(ctx, fnSetStringOptionValue, uint64(in.highs), uint64(p), uint64(q))
}

// info reads an info value through getter fn into an 8-byte scratch slot at scratch. ok is false
// when HiGHS does not know the name (or has no valid info).
func (in *instance) info(ctx context.Context, id fnID, name string, scratch uint32) (raw uint64, ok bool, err error) {
	p, err := in.cString(ctx, name)
	if err != nil {
		return 0, false, err
	}
	r, err := in.call(ctx, id, uint64(in.highs), uint64(p), uint64(scratch))
	if err != nil {
		return 0, false, err
	}
	if api.DecodeI32(r) != highsStatusOk {
		return 0, false, nil
	}
	v, _ := in.mem.ReadUint64Le(scratch)
	return v, true, nil
}
