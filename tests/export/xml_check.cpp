// check_xml: enough of XML 1.0 to prove a generated document is well-formed.
#include <set>

#include "export_test_util.h"

namespace ropescope::test {

namespace {

bool name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           static_cast<unsigned char>(c) >= 0x80;
}
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

class Parser {
public:
    explicit Parser(const std::string& text) : s_(text) {}

    std::string run(XmlStats* stats) {
        if (s_.rfind("<?xml", 0) == 0) {
            const auto end = s_.find("?>");
            if (end == std::string::npos) return fail("unterminated XML declaration");
            i_ = end + 2;
        }
        std::vector<std::string> open;
        bool root_seen = false;
        while (i_ < s_.size()) {
            if (s_[i_] != '<') {
                const std::size_t start = i_;
                while (i_ < s_.size() && s_[i_] != '<') ++i_;
                const std::string chars = s_.substr(start, i_ - start);
                if (open.empty() && chars.find_first_not_of(" \t\r\n") != std::string::npos)
                    return fail("text outside the root element");
                if (auto e = check_chars(chars); !e.empty()) return e;
                continue;
            }
            if (s_.compare(i_, 4, "<!--") == 0) {
                const auto end = s_.find("-->", i_ + 4);
                if (end == std::string::npos) return fail("unterminated comment");
                i_ = end + 3;
                continue;
            }
            if (s_.compare(i_, 2, "</") == 0) {
                i_ += 2;
                const std::string name = read_name();
                if (name.empty()) return fail("bad closing tag");
                skip_space();
                if (i_ >= s_.size() || s_[i_] != '>') return fail("bad closing tag </" + name);
                ++i_;
                if (open.empty() || open.back() != name) return fail("</" + name + "> does not close the open element");
                open.pop_back();
                continue;
            }
            ++i_;
            const std::string name = read_name();
            if (name.empty()) return fail("bad tag name");
            if (open.empty() && root_seen) return fail("a second root element <" + name + ">");
            root_seen = true;
            if (stats) ++stats->elements;
            std::set<std::string> attributes;
            while (true) {
                const bool spaced = skip_space();
                if (i_ >= s_.size()) return fail("unterminated tag <" + name);
                if (s_[i_] == '>') {
                    ++i_;
                    open.push_back(name);
                    break;
                }
                if (s_.compare(i_, 2, "/>") == 0) {
                    i_ += 2;
                    break;
                }
                if (!spaced) return fail("attributes of <" + name + "> must be separated by spaces");
                const std::string attribute = read_name();
                if (attribute.empty()) return fail("bad attribute in <" + name + ">");
                if (!attributes.insert(attribute).second) return fail("duplicate attribute " + attribute);
                skip_space();
                if (i_ >= s_.size() || s_[i_] != '=') return fail("attribute " + attribute + " has no value");
                ++i_;
                skip_space();
                if (i_ >= s_.size() || (s_[i_] != '"' && s_[i_] != '\''))
                    return fail("unquoted attribute " + attribute);
                const char quote = s_[i_++];
                const auto end = s_.find(quote, i_);
                if (end == std::string::npos) return fail("unterminated attribute " + attribute);
                const std::string value = s_.substr(i_, end - i_);
                if (value.find('<') != std::string::npos) return fail("'<' in attribute " + attribute);
                if (auto e = check_chars(value); !e.empty()) return e;
                i_ = end + 1;
            }
        }
        if (!open.empty()) return fail("<" + open.back() + "> is never closed");
        if (!root_seen) return fail("no root element");
        return "";
    }

private:
    const std::string& s_;
    std::size_t i_ = 0;

    std::string fail(const std::string& what) const { return what + " (at byte " + std::to_string(i_) + ")"; }

    bool skip_space() {
        const std::size_t start = i_;
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
        return i_ > start;
    }
    std::string read_name() {
        const std::size_t start = i_;
        if (i_ < s_.size() && name_start(s_[i_])) ++i_;
        else return "";
        while (i_ < s_.size() && name_char(s_[i_])) ++i_;
        return s_.substr(start, i_ - start);
    }
    // Entities known and no control characters.
    std::string check_chars(const std::string& text) const {
        for (std::size_t k = 0; k < text.size(); ++k) {
            const auto c = static_cast<unsigned char>(text[k]);
            if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') return fail("control character in text");
            if (c == '&') {
                const auto end = text.find(';', k);
                if (end == std::string::npos) return fail("bare '&'");
                const std::string entity = text.substr(k + 1, end - k - 1);
                static const std::set<std::string> known = {"amp", "lt", "gt", "quot", "apos"};
                if (!known.count(entity) && entity.rfind('#', 0) != 0) return fail("unknown entity &" + entity + ";");
            }
        }
        return "";
    }
};

}  // namespace

std::string check_xml(const std::string& text, XmlStats* stats) { return Parser(text).run(stats); }

}  // namespace ropescope::test
