# rsec: build, test and run. `make help` lists the targets.
#
#   make kernel [DEBUG=1]        build (or find cached) the test kernel
#   make module [KDIR=path]      build rust-module/rsec.ko against that kernel, or KDIR
#   make vm-test [DEBUG=1] [SCENARIO=name]
#   make host-test               cargo tests and lints of ike-userspace/ and the module's logic
#   make module-lint             rustfmt and the kernel's clippy over rust-module/
#   make test                    host-test, then kernel, module-lint and vm-test
#   make clean

DEBUG ?= 0
KFLAG := $(if $(filter 1,$(DEBUG)),--debug,)
KDIR ?= $(shell scripts/build-kernel $(KFLAG) --print-dir)
LLVM_FLAG := $(if $(filter 1,$(DEBUG)),LLVM=1,)
CARGO ?= cargo

.PHONY: help kernel module module-lint bindings userspace vm-test host-test test clean

help:
	@sed -n '2,12p' Makefile | sed 's/^# \{0,1\}//'

kernel:
	scripts/build-kernel $(KFLAG)

bindings:
	scripts/gen-bindings $(KDIR)

module: bindings
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(LLVM_FLAG) modules

vm-test: module userspace
	scripts/vm-test $(KFLAG) $(SCENARIO)

# The userspace binaries the VM scenarios run (rsecctl, rsecd), in release mode.
userspace:
	cd ike-userspace && $(CARGO) build --release --bins --quiet

host-test:
	cd ike-userspace && $(CARGO) fmt --all --check
	cd ike-userspace && $(CARGO) clippy --workspace --all-targets --quiet -- -D warnings
	cd ike-userspace && $(CARGO) test --workspace
	cd rust-module/host && $(CARGO) fmt --check
	cd rust-module/host && $(CARGO) clippy --all-targets --quiet -- -D warnings
	cd rust-module/host && $(CARGO) test

test: host-test kernel
	$(MAKE) module-lint
	$(MAKE) vm-test

# The module's Rust through rustfmt and the kernel's clippy set, warnings as errors.
module-lint: bindings
	rustfmt --edition 2021 --check $(filter-out %/bindings_generated.rs,$(wildcard rust-module/*.rs rust-module/*/*.rs))
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(LLVM_FLAG) CLIPPY=1 KRUSTFLAGS=-Dwarnings modules

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -f rust-module/bindings_generated.rs
	cd ike-userspace && $(CARGO) clean

# The README's main job: rsecd with rsec.ko against strongSwan in the VM (qemu-tests/demo.sh).
.PHONY: demo
demo: kernel module userspace
	scripts/vm-run --kernel $(KDIR)/arch/x86/boot/bzImage --out results/demo -- qemu-tests/demo.sh

# Throughput figures (not a test): iperf3 over veth without IPsec, with Linux XFRM and with rsec.
.PHONY: bench
bench: kernel module
	scripts/vm-run --kernel $(KDIR)/arch/x86/boot/bzImage --out results/bench -- qemu-tests/bench.sh
