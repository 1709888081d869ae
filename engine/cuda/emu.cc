// The CPU emulator of the CUDA kernels (see kernels/emu.h): the kernels
// compiled by g++, a kernel registry, and launches that run each block's
// threads as fibers (ucontext) on the calling thread. A fiber runs until it
// waits at a barrier or a warp exchange, then the next one runs; a block is
// done when all its fibers have returned. Switching fibers costs far less
// than waking threads, and the order is deterministic.
#include "kernels/ncstudio.cu"

#include <ucontext.h>

#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

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

struct Fiber {
	ucontext_t ctx;
	std::unique_ptr<char[]> stack;
	dim3 tid;
	bool done = false;
};

const size_t stack_bytes = 256 << 10;  // kernels keep a few KiB of fragments

// State of the launch in progress (one at a time, under launch_mu).
std::mutex launch_mu;
ucontext_t scheduler;
std::vector<Fiber> fibers;
int current;  // the fiber running
Barrier block_barrier;
std::vector<Barrier> warp_barriers;
std::vector<uint64_t> lanes;  // exchange slots, one per thread of the block
const Entry* entry;
const uint64_t* entry_args;
bool reverse_order;  // run a block's fibers last to first (see ncs_emu_reverse)

void yield() { swapcontext(&fibers[current].ctx, &scheduler); }

void wait(Barrier& b) {
	unsigned gen = b.generation;
	if (++b.arrived == b.n) {
		b.arrived = 0;
		b.generation++;
		return;
	}
	while (b.generation == gen) yield();
}

void fiber_main(int t) {
	(*entry)(entry_args);
	fibers[t].done = true;
	// Returning resumes the scheduler (uc_link).
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
		getcontext(&f.ctx);
		f.ctx.uc_stack.ss_sp = f.stack.get();
		f.ctx.uc_stack.ss_size = stack_bytes;
		f.ctx.uc_link = &scheduler;
		makecontext(&f.ctx, reinterpret_cast<void (*)()>(fiber_main), 1, t);
		f.done = false;
	}
	for (int left = threads; left > 0;) {
		left = 0;
		for (int i = 0; i < threads; i++) {
			int t = reverse_order ? threads - 1 - i : i;
			if (fibers[t].done) continue;
			current = t;
			thread_idx = fibers[t].tid;
			swapcontext(&scheduler, &fibers[t].ctx);
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
