package highs

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Emscripten errno values (musl numbering) returned by the refused host calls.
const (
	errnoBADF   = 8
	errnoINVAL  = 28
	errnoSPIPE  = 70
	errnoNOSYS  = 52
	errnoNOTTY  = 59
	wasmPage    = 65536
	maxHeapSize = 2 << 30 // the glue's getHeapMax: 2 GiB
)

// trapError is what a host function panics with when the wasm asks to stop (exit, abort or an
// uncaught C++ exception). wazero recovers the panic and returns it, wrapped, from the call.
type trapError struct{ what string }

func (e *trapError) Error() string { return "highs wasm " + e.what }

// hostFunc is one import of module "a": its name in the Emscripten glue, its wasm signature and
// its Go body.
type hostFunc struct {
	name    string
	params  []api.ValueType
	results []api.ValueType
	fn      api.GoModuleFunc
}

const (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
	f64 = api.ValueTypeF64
)

// hostFuncs returns the host side of the Emscripten glue. Files, ioctl and open are refused;
// writes to stdout and stderr go to out; clocks are real; the heap grows through Memory.Grow;
// exit, abort and C++ throws panic with a *trapError. start is the origin of the monotonic clock.
func hostFuncs(out io.Writer, start time.Time) []hostFunc {
	vt := func(t ...api.ValueType) []api.ValueType { return t }
	monoNanos := func() uint64 { return uint64(time.Since(start).Nanoseconds()) }
	return []hostFunc{
		{"cxa_throw", vt(i32, i32, i32), nil, func(_ context.Context, m api.Module, s []uint64) {
			panic(&trapError{"threw an uncaught C++ exception" + typeName(m, uint32(s[1]))})
		}},
		{"abort_js", nil, nil, func(context.Context, api.Module, []uint64) {
			panic(&trapError{"called abort"})
		}},
		{"exit", vt(i32), nil, func(_ context.Context, _ api.Module, s []uint64) {
			panic(&trapError{fmt.Sprintf("called exit(%d)", int32(s[0]))})
		}},
		{"proc_exit", vt(i32), nil, func(_ context.Context, _ api.Module, s []uint64) {
			panic(&trapError{fmt.Sprintf("called proc_exit(%d)", int32(s[0]))})
		}},
		{"fd_write", vt(i32, i32, i32, i32), vt(i32), func(_ context.Context, m api.Module, s []uint64) {
			fd, iov, n, pnum := uint32(s[0]), uint32(s[1]), uint32(s[2]), uint32(s[3])
			if fd != 1 && fd != 2 {
				s[0] = errnoBADF
				return
			}
			mem := m.Memory()
			total := uint32(0)
			for k := range n {
				ptr, ok1 := mem.ReadUint32Le(iov + 8*k)
				ln, ok2 := mem.ReadUint32Le(iov + 8*k + 4)
				buf, ok3 := mem.Read(ptr, ln)
				if !ok1 || !ok2 || !ok3 {
					s[0] = errnoINVAL
					return
				}
				_, _ = out.Write(buf) // a failing log writer must not fail the solve
				total += ln
			}
			mem.WriteUint32Le(pnum, total)
			s[0] = 0
		}},
		{"fd_read", vt(i32, i32, i32, i32), vt(i32), func(_ context.Context, _ api.Module, s []uint64) { s[0] = errnoBADF }},
		{"fd_seek", vt(i32, i64, i32, i32), vt(i32), func(_ context.Context, _ api.Module, s []uint64) {
			if uint32(s[0]) <= 2 {
				s[0] = errnoSPIPE
			} else {
				s[0] = errnoBADF
			}
		}},
		{"fd_close", vt(i32), vt(i32), func(_ context.Context, _ api.Module, s []uint64) { s[0] = errnoBADF }},
		// Emscripten syscalls return -errno.
		{"syscall_fcntl64", vt(i32, i32, i32), vt(i32), func(_ context.Context, _ api.Module, s []uint64) {
			s[0] = api.EncodeI32(-errnoNOSYS)
		}},
		{"syscall_ioctl", vt(i32, i32, i32), vt(i32), func(_ context.Context, _ api.Module, s []uint64) {
			if uint32(s[0]) <= 2 {
				s[0] = api.EncodeI32(-errnoNOTTY)
			} else {
				s[0] = api.EncodeI32(-errnoBADF)
			}
		}},
		{"syscall_openat", vt(i32, i32, i32, i32), vt(i32), func(_ context.Context, _ api.Module, s []uint64) {
			s[0] = api.EncodeI32(-errnoNOSYS)
		}},
		{"clock_time_get", vt(i32, i64, i32), vt(i32), func(_ context.Context, m api.Module, s []uint64) {
			id, p := uint32(s[0]), uint32(s[2])
			var now uint64
			switch id {
			case 0: // realtime
				now = uint64(time.Now().UnixNano())
			case 1, 2, 3: // monotonic, process and thread CPU time
				now = monoNanos()
			default:
				s[0] = errnoINVAL
				return
			}
			m.Memory().WriteUint64Le(p, now)
			s[0] = 0
		}},
		{"emscripten_get_now", nil, vt(f64), func(_ context.Context, _ api.Module, s []uint64) {
			s[0] = api.EncodeF64(float64(monoNanos()) / 1e6)
		}},
		{"emscripten_date_now", nil, vt(f64), func(_ context.Context, _ api.Module, s []uint64) {
			s[0] = api.EncodeF64(float64(time.Now().UnixNano()) / 1e6)
		}},
		{"emscripten_resize_heap", vt(i32), vt(i32), func(_ context.Context, m api.Module, s []uint64) {
			s[0] = resizeHeap(m.Memory(), uint64(uint32(s[0])))
		}},
		{"environ_sizes_get", vt(i32, i32), vt(i32), func(_ context.Context, m api.Module, s []uint64) {
			m.Memory().WriteUint32Le(uint32(s[0]), 0)
			m.Memory().WriteUint32Le(uint32(s[1]), 0)
			s[0] = 0
		}},
		{"environ_get", vt(i32, i32), vt(i32), func(_ context.Context, _ api.Module, s []uint64) { s[0] = 0 }},
		{"tzset_js", vt(i32, i32, i32, i32), nil, func(_ context.Context, m api.Module, s []uint64) {
			mem := m.Memory()
			mem.WriteUint32Le(uint32(s[0]), 0) // timezone offset in seconds
			mem.WriteUint32Le(uint32(s[1]), 0) // no daylight saving
			mem.Write(uint32(s[2]), []byte("UTC\x00"))
			mem.Write(uint32(s[3]), []byte("UTC\x00"))
		}},
		{"setitimer_js", vt(i32, f64), vt(i32), func(_ context.Context, _ api.Module, s []uint64) { s[0] = 0 }},
		{"emscripten_runtime_keepalive_clear", nil, nil, func(context.Context, api.Module, []uint64) {}},
	}
}

// resizeHeap grows memory to at least requested bytes, over-allocating like the Emscripten glue
// (20% growth, at most 96 MiB beyond the request). It returns 1 on success and 0 on failure.
func resizeHeap(mem api.Memory, requested uint64) uint64 {
	old := uint64(mem.Size())
	if requested > maxHeapSize {
		return 0
	}
	if requested <= old {
		return 1
	}
	for cut := 1.0; cut <= 4; cut *= 2 {
		over := uint64(float64(old) * (1 + 0.2/cut))
		over = min(over, requested+96<<20)
		size := min(uint64(maxHeapSize), alignUp(max(requested, over), wasmPage))
		if _, ok := mem.Grow(uint32((size - old + wasmPage - 1) / wasmPage)); ok {
			return 1
		}
	}
	return 0
}

func alignUp(n, a uint64) uint64 { return (n + a - 1) / a * a }

// typeName best-effort reads the mangled name of a thrown C++ type (std::type_info::__type_name
// sits after the vtable pointer), e.g. " (St9bad_alloc)".
func typeName(m api.Module, ti uint32) string {
	mem := m.Memory()
	p, ok := mem.ReadUint32Le(ti + 4)
	if !ok {
		return ""
	}
	b, ok := mem.Read(p, 64)
	if !ok {
		return ""
	}
	for i, c := range b {
		if c == 0 {
			return " (" + string(b[:i]) + ")"
		}
		if c < 0x20 || c > 0x7e {
			return ""
		}
	}
	return ""
}

// instantiateHost defines module "a" in rt from hostFuncs, under the minified import names of
// exports_gen.go.
func instantiateHost(ctx context.Context, rt wazero.Runtime, out io.Writer, start time.Time) error {
	b := rt.NewHostModuleBuilder("a")
	funcs := hostFuncs(out, start)
	if len(funcs) != numImports {
		return fmt.Errorf("host module has %d functions, the glue has %d", len(funcs), numImports)
	}
	for _, h := range funcs {
		short := importName(h.name)
		if short == "" {
			return fmt.Errorf("glue has no import %q", h.name)
		}
		b.NewFunctionBuilder().WithGoModuleFunction(h.fn, h.params, h.results).WithName(h.name).Export(short)
	}
	_, err := b.Instantiate(ctx)
	return err
}

// putF64s writes v into dst (a view of wasm memory) as little-endian float64s.
func putF64s(dst []byte, v []float64) {
	for i, x := range v {
		binary.LittleEndian.PutUint64(dst[8*i:], math.Float64bits(x))
	}
}

// putI32s writes v into dst as little-endian int32s.
func putI32s(dst []byte, v []int32) {
	for i, x := range v {
		binary.LittleEndian.PutUint32(dst[4*i:], uint32(x))
	}
}

// getF64s reads len(dst) float64s from src.
func getF64s(dst []float64, src []byte) {
	for i := range dst {
		dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:]))
	}
}

func binary32(b []byte, v int32) { binary.LittleEndian.PutUint32(b, uint32(v)) }

func binaryU32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }
