// The CPU emulator of the CUDA kernels (see kernels/emu.h): the kernels
// compiled by g++, a kernel registry, and launches that run each block's
// threads on a pool of real threads.
#include "kernels/ncstudio.cu"

#include <condition_variable>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace emu {

thread_local dim3 thread_idx, block_idx;
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

// State of the launch in progress (one at a time).
std::unique_ptr<std::barrier<>> block_barrier;
std::vector<std::unique_ptr<std::barrier<>>> warp_barriers;
std::vector<uint64_t> lanes;  // exchange slots, one per thread of the block
thread_local int linear_tid;

// Pool runs task(i) for i in [0, n) on n threads and waits for all of them.
class Pool {
   public:
	void run(int n, const std::function<void(int)>& task) {
		std::unique_lock<std::mutex> lock(mu_);
		while (int(threads_.size()) < n) {
			int id = int(threads_.size());
			threads_.emplace_back([this, id] { work(id); });
			threads_.back().detach();
		}
		task_ = &task;
		active_ = n;
		remaining_ = n;
		generation_++;
		start_.notify_all();
		done_.wait(lock, [this] { return remaining_ == 0; });
	}

   private:
	void work(int id) {
		uint64_t seen = 0;
		std::unique_lock<std::mutex> lock(mu_);
		for (;;) {
			start_.wait(lock, [&] { return generation_ != seen; });
			seen = generation_;
			if (id >= active_) continue;
			const std::function<void(int)>* task = task_;
			lock.unlock();
			(*task)(id);
			lock.lock();
			if (--remaining_ == 0) done_.notify_one();
		}
	}

	std::mutex mu_;
	std::condition_variable start_, done_;
	std::vector<std::thread> threads_;
	const std::function<void(int)>* task_ = nullptr;
	uint64_t generation_ = 0;
	int active_ = 0, remaining_ = 0;
};

Pool pool;
std::mutex launch_mu;

}  // namespace

void add_kernel(const char* name, int nargs, Entry entry) { kernels()[name] = Kernel{nargs, std::move(entry)}; }

void sync_threads() { block_barrier->arrive_and_wait(); }

void sync_warp() { warp_barriers[linear_tid / 32]->arrive_and_wait(); }

int lane() { return linear_tid % 32; }

uint64_t exchange(uint64_t v, int src_lane) {
	int base = linear_tid - linear_tid % 32;
	lanes[linear_tid] = v;
	sync_warp();
	uint64_t got = lanes[base + src_lane];
	sync_warp();
	return got;
}

}  // namespace emu

extern "C" {

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
	emu::block_barrier = std::make_unique<std::barrier<>>(threads);
	emu::warp_barriers.clear();
	for (int w = 0; w < threads / 32; w++) emu::warp_barriers.push_back(std::make_unique<std::barrier<>>(32));
	emu::lanes.assign(threads, 0);
	const emu::Entry& entry = it->second.entry;
	std::function<void(int)> task = [&](int t) {
		emu::linear_tid = t;
		emu::thread_idx = dim3{unsigned(t % bx), unsigned(t / bx % by), unsigned(t / (bx * by))};
		for (int z = 0; z < gz; z++)
			for (int y = 0; y < gy; y++)
				for (int x = 0; x < gx; x++) {
					emu::block_idx = dim3{unsigned(x), unsigned(y), unsigned(z)};
					entry(args);
					// The block's shared memory (function statics) is reused by the next block.
					emu::block_barrier->arrive_and_wait();
				}
	};
	emu::pool.run(threads, task);
	return 0;
}

}  // extern "C"
