// The entry point of libropescope_model_engine.so, the one symbol it exports (everything else in
// the module, its own copy of ropescope_core and ropescope_model, is hidden).
#include "ropescope/model/engine.h"

extern "C" __attribute__((visibility("default"))) const ropescope::model::ModelEngine* ropescope_model_engine() {
    return &ropescope::model::linked_model_engine();
}
