// The CPU emulator of the CUDA kernels (see kernels/emu.h): the kernels
// compiled by g++, a kernel registry, and launches that run each block's
// threads as fibers on the calling thread. A fiber runs until it waits at a
// barrier or a warp exchange, then the next one runs; a block is done when
// all its fibers have finished. Switching fibers costs far less than waking
// threads, and the order is deterministic.
//
// On x86-64 a switch saves the callee-saved registers on the fiber's own
// stack and moves the stack pointer (ncs_switch below): no system call.
// Elsewhere it is swapcontext, which also saves and restores the signal
// mask with a system call at every switch; on a virtual machine where those
// are dear, that made the emulator spend half its time in the kernel.
#include "kernels/ncstudio.cu"

#include <ucontext.h>

#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#if defined(__x86_64__)
// ncs_switch(from, to) pushes the System V callee-saved registers, stores
// the stack pointer in *from, switches to the stack to and pops them from
// it: the other context resumes where it last called ncs_switch (or, on a
// new stack, in emu's fiber_start).
extern "C" void ncs_switch(void** from, void* to);
asm(R"(
	.pushsection .text
	.globl ncs_switch
	.type ncs_switch, @function
ncs_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size ncs_switch, .-ncs_switch
	.popsection
)");
#endif

namespace emu {

dim3 thread_idx, block_idx;
dim3 block_dim, grid_dim;

namespace {

struct Kernel {
	int nargs;
	Entry entry;
};

std::map<std::string, Kernel>& kernels() {
	static std::map<std::string, Kernel> k;
	return k;
}

// A barrier among n fibers: the last to arrive starts a new generation,
// the others yield until it has.
struct Barrier {
	int n = 0, arrived = 0;
	unsigned generation = 0;
};

// Context is where a fiber (or the scheduler) resumes; switch_context saves
// the running one in from and resumes to; init_context makes a context that
// starts fiber_start on a stack of its own.
void fiber_start();
#if defined(__x86_64__)
using Context = void*;  // the stack pointer, with the registers pushed on it
void switch_context(Context* from, Context* to) { ncs_switch(from, *to); }

// A fresh stack is laid out as ncs_switch leaves one: six zeroed registers,
// then fiber_start as the return address, 16-byte aligned so that
// fiber_start begins as after a call.
void init_context(Context* c, char* stack, size_t bytes) {
	auto top = reinterpret_cast<uintptr_t>(stack + bytes) & ~uintptr_t(15);
	auto* ret = reinterpret_cast<void**>(top - 16);
	ret[0] = reinterpret_cast<void*>(fiber_start);
	ret[1] = nullptr;
	void** sp = ret - 6;
	for (int i = 0; i < 6; i++) sp[i] = nullptr;
	*c = sp;
}
#else
using Context = ucontext_t;
void switch_context(Context* from, Context* to) { swapcontext(from, to); }

void init_context(Context* c, char* stack, size_t bytes) {
	getcontext(c);
	c->uc_stack.ss_sp = stack;
	c->uc_stack.ss_size = bytes;
	c->uc_link = nullptr;  // fiber_start never returns
	makecontext(c, fiber_start, 0);
}
#endif

struct Fiber {
	Context ctx;
	std::unique_ptr<char[]> stack;
	dim3 tid;
	bool done = false;
};

const size_t stack_bytes = 256 << 10;  // kernels keep a few KiB of fragments

// State of the launch in progress (one at a time, under launch_mu).
std::mutex launch_mu;
Context scheduler;  // run_block, while a fiber runs
std::vector<Fiber> fibers;
int current;  // the fiber running
Barrier block_barrier;
std::vector<Barrier> warp_barriers;
std::vector<uint64_t> lanes;  // exchange slots, one per thread of the block
const Entry* entry;
const uint64_t* entry_args;
bool reverse_order;  // run a block's fibers last to first (see ncs_emu_reverse)

void yield() { switch_context(&fibers[current].ctx, &scheduler); }

void wait(Barrier& b) {
	unsigned gen = b.generation;
	if (++b.arrived == b.n) {
		b.arrived = 0;
		b.generation++;
		return;
	}
	while (b.generation == gen) yield();
}

// fiber_start runs the kernel as the current fiber's thread, then returns
// to the scheduler for good.
void fiber_start() {
	int t = current;
	(*entry)(entry_args);
	fibers[t].done = true;
	switch_context(&fibers[t].ctx, &scheduler);  // never resumed
}

}  // namespace

void add_kernel(const char* name, int nargs, Entry entry) { kernels()[name] = Kernel{nargs, std::move(entry)}; }

void sync_threads() { wait(block_barrier); }

void sync_warp() { wait(warp_barriers[current / 32]); }

int lane() { return current % 32; }

uint64_t exchange(uint64_t v, int src_lane) {
	int base = current - current % 32;
	lanes[current] = v;
	sync_warp();
	uint64_t got = lanes[base + src_lane];
	sync_warp();
	return got;
}

// run_block runs the block's fibers round-robin until all have returned.
static void run_block(int threads) {
	for (int t = 0; t < threads; t++) {
		Fiber& f = fibers[t];
		init_context(&f.ctx, f.stack.get(), stack_bytes);
		f.done = false;
	}
	for (int left = threads; left > 0;) {
		left = 0;
		for (int i = 0; i < threads; i++) {
			int t = reverse_order ? threads - 1 - i : i;
			if (fibers[t].done) continue;
			current = t;
			thread_idx = fibers[t].tid;
			switch_context(&scheduler, &fibers[t].ctx);
			left += !fibers[t].done;
		}
	}
}

}  // namespace emu

extern "C" {

// ncs_emu_reverse makes launches run each block's threads last to first
// between barriers: a kernel that reads shared memory before the
// __syncthreads that should order it then sees other data, so such races,
// which one fixed order can hide, show up in the results.
void ncs_emu_reverse(int on) {
	std::lock_guard<std::mutex> guard(emu::launch_mu);
	emu::reverse_order = on != 0;
}

// ncs_emu_launch runs kernel name over the grid; it returns 0, or writes a
// message to err and returns -1.
int ncs_emu_launch(const char* name, int gx, int gy, int gz, int bx, int by, int bz, const uint64_t* args, int nargs,
                   char* err, int errlen) {
	auto it = emu::kernels().find(name);
	if (it == emu::kernels().end()) {
		snprintf(err, errlen, "no kernel named %s", name);
		return -1;
	}
	if (it->second.nargs != nargs) {
		snprintf(err, errlen, "kernel %s takes %d arguments, got %d", name, it->second.nargs, nargs);
		return -1;
	}
	int threads = bx * by * bz;
	if (threads <= 0 || threads > 1024 || threads % 32 != 0 || gx <= 0 || gy <= 0 || gz <= 0) {
		snprintf(err, errlen, "kernel %s: block %dx%dx%d, grid %dx%dx%d: need 32..1024 threads in whole warps", name,
		         bx, by, bz, gx, gy, gz);
		return -1;
	}
	std::lock_guard<std::mutex> guard(emu::launch_mu);
	emu::block_dim = dim3{unsigned(bx), unsigned(by), unsigned(bz)};
	emu::grid_dim = dim3{unsigned(gx), unsigned(gy), unsigned(gz)};
	while (int(emu::fibers.size()) < threads) {
		emu::fibers.emplace_back();
		emu::fibers.back().stack.reset(new char[emu::stack_bytes]);
	}
	for (int t = 0; t < threads; t++)
		emu::fibers[t].tid = dim3{unsigned(t % bx), unsigned(t / bx % by), unsigned(t / (bx * by))};
	emu::block_barrier = emu::Barrier{threads};
	emu::warp_barriers.assign(threads / 32, emu::Barrier{32});
	emu::lanes.assign(threads, 0);
	emu::entry = &it->second.entry;
	emu::entry_args = args;
	for (int z = 0; z < gz; z++)
		for (int y = 0; y < gy; y++)
			for (int x = 0; x < gx; x++) {
				emu::block_idx = dim3{unsigned(x), unsigned(y), unsigned(z)};
				emu::run_block(threads);
			}
	return 0;
}

}  // extern "C"
