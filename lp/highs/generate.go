package highs

//go:generate go run ./internal/genexports -js ../../third_party/highs/highs.js -wasm ../../third_party/highs/highs.wasm -o exports_gen.go
