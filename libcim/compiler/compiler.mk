# Included by libcim/Makefile: libcim-compiler's sources (relative to
# libcim/compiler/), public headers, and the protoc-c step.

COMPILER_SRCS := graph.c graph_node.c graph_pass.c graph_exec.c \
	kernels_float.c kernels_gemm.c blas_fallback.c kernels_elem.c kernels_index.c graph_size.c dataset_npy.c onnx_ctx.c onnx_fold.c onnx_ops_more.c onnx_tensor.c onnx_read.c onnx_import.c onnx_ops.c onnx_lower.c onnx_lower_win.c onnx_gemm.c onnx_int.c onnx_declared.c onnx_bn_rt.c \
	dataset.c quant_params.c quant_build.c quant_exec.c quant_report.c quant_grid.c onnx_qdq.c graph_qdq.c \
	quant_search.c quant_seq.c quant_range.c map_arena.c map_check.c map_emit.c map_place.c \
	map_plan.c map_report.c map_bound.c map_cost.c map_balance.c map_simd.c map_dup.c cimx_write.c image_build.c model_check.c \
	ref_desc.c ref_exec.c ref_ops.c

COMPILER_HEADERS := $(addprefix $(SRC)/compiler/include/,cim_compiler.h \
	cim_graph.h cim_quantize.h cim_qmodel.h cim_model.h cim_map.h)

ONNX_PROTO ?= /usr/include/onnx/onnx.proto
GEN := $(B)/gen

$(GEN)/onnx.pb-c.c $(GEN)/onnx.pb-c.h &: $(ONNX_PROTO)
	@test -f $< || { echo "no $<: run tools/install-deps.sh (libonnx-dev)"; exit 1; }
	@mkdir -p $(GEN)
	protoc-c --c_out=$(GEN) -I$(dir $<) $<

$(B)/obj/gen/%.o: $(GEN)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) -MMD -MP -c $< -o $@

$(B)/asan/obj/gen/%.o: $(GEN)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) $(SAN_FLAGS) -MMD -MP -c $< -o $@

# BLAS_CFLAGS: OpenBLAS's cblas.h, if found (blas.h).
$(B)/obj/compiler/%.o $(B)/asan/obj/compiler/%.o: CPPFLAGS += -I$(GEN) $(BLAS_CFLAGS)
# The calibration, weight-search and integer-executor loops vectorize at -O3.
$(addprefix $(B)/obj/compiler/,quant_search.o quant_exec.o): CFLAGS += -O3
$(COMPILER_SRCS:%.c=$(B)/obj/compiler/%.o): | $(GEN)/onnx.pb-c.h
$(COMPILER_SRCS:%.c=$(B)/asan/obj/compiler/%.o): | $(GEN)/onnx.pb-c.h
