// See frame_pacing.h.
#include "frame_pacing.h"

namespace ropescope::gui {

double FramePacer::NextWait(Activity activity, bool typing, std::uint64_t input_events) {
    if (input_events != seen_events_) {
        seen_events_ = input_events;
        settle_frames_ = kSettleFrames;
    }
    if (activity == Activity::Animating) {
        settle_frames_ = kSettleFrames;
        return 0;
    }
    if (settle_frames_ > 0) {
        --settle_frames_;
        return 0;
    }
    if (activity == Activity::Jobs) {
        job_seen_ = true;
        return kJobWaitSeconds;
    }
    if (job_seen_) {  // a job ended: its last result is picked up and shown by the frames after it
        job_seen_ = false;
        settle_frames_ = kSettleFrames - 1;
        return 0;
    }
    return typing ? kTypingTimeoutSeconds : kIdleTimeoutSeconds;
}

}  // namespace ropescope::gui
